// `carechain devices …` (issue 18): remote monitoring devices from a terminal, over a node's public API.
//   register  the organisation's administrator registers a device with its own Ed25519 key (made here)
//   bind      the patient binds it with her own key: her consent to be monitored by it
//   simulate  simulated patients, each with a registered and bound pulse oximeter, stream signed readings
//             to the custodian's node, one compact batch per device and second (the demo and the bench)
// Keys are made and kept in files here (mode 0600); the node never holds them.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { patientPseudonym } from '../../app/membership/index.ts';
import type { Reading } from '../../app/monitoring/batch.ts';
import { eui64 } from '../../app/monitoring/phd.ts';
import { toHex } from '../../core/bytes.ts';
import { signCompactBatch } from '../../client/device-batch.ts';
import type { NodeStatus } from '../../contract/ledger.ts';
import { BATCHES_PATH } from '../../contract/monitoring.ts';
import { checkApiUrl } from '../../node/api-tls.ts';
import { generateKeyPair, readKeyFile, writeKeyFile, type KeyPair } from '../../node/keys.ts';
import { postJson, submitAndCommit } from '../submit-tx.ts';

const PERIOD_MS = 1000;
/** MDC_DEV_SPEC_PROFILE_PULS_OXIM: what the simulator's devices are. */
const PULSE_OXIMETER = '528388';

function systemId(value: string): string {
  const id = eui64(value);
  if (id === undefined) throw new InvalidArgumentError('expected an EUI-64, e.g. 00-1C-05-04-00-00-78-25');
  return id;
}

function positive(max: number) {
  return (value: string): number => {
    const n = Number(value.replace(/\/s$/, ''));
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`expected 1 to ${max}`);
    return n;
  };
}

/** The key in `file`, or a new one written there (mode 0600) if the file does not exist yet. */
function keyIn(file: string): KeyPair {
  if (existsSync(file)) return readKeyFile(file);
  const key = generateKeyPair();
  writeKeyFile(file, key);
  return key;
}

async function statusOf(api: string): Promise<NodeStatus> {
  return (await (await fetch(`${api}/api/v1/status`)).json()) as NodeStatus;
}

const chainIdOf = async (api: string): Promise<string> => (await statusOf(api)).chainId;
const chainTimeMs = async (api: string): Promise<number> => (await statusOf(api)).lastBlockTimeMs;

interface ApiOptions {
  readonly api: string;
  readonly insecureHttp?: boolean;
}

const withApi = (command: Command): Command =>
  command
    .requiredOption('--api <url>', "the custodian node's API, e.g. http://127.0.0.1:8081")
    .option('--insecure-http', 'allow an http:// API beyond this machine');

function apiOf(opts: ApiOptions): string {
  checkApiUrl(opts.api, { insecureHttp: opts.insecureHttp === true });
  return opts.api.replace(/\/+$/, '');
}

interface Registration {
  readonly systemId: string;
  readonly typeCode: string;
  readonly gatewayId: string;
  readonly gatewayKey: string;
  readonly deviceKey: string;
}

export function devicesCommand(): Command {
  const devices = new Command('devices').description(
    'remote monitoring devices: register (organisation admin), bind (patient), simulate (demo and bench)',
  );

  withApi(devices.command('register'))
    .description("register a device for your organisation, signed with its administrator's key")
    .requiredOption('--admin-key <file>', "the organisation's admin key (admin-key.json in its node folder)")
    .requiredOption('--system-id <eui64>', 'the IEEE 11073 system id, e.g. 00-1C-05-04-00-00-78-25', systemId)
    .requiredOption('--device-key <file>', "the device's key; made there (mode 0600) if it does not exist")
    .requiredOption('--gateway-key <file>', "the gateway's key; made there if it does not exist")
    .option('--gateway-id <eui64>', "the gateway's system id", systemId, '4c4e49123456ffff')
    .option('--type <mdc>', 'the MDC device specialization code', PULSE_OXIMETER)
    .action(
      async (
        opts: ApiOptions & {
          adminKey: string;
          systemId: string;
          deviceKey: string;
          gatewayKey: string;
          gatewayId: string;
          type: string;
        },
      ) => {
        const api = apiOf(opts);
        const registration: Registration = {
          systemId: opts.systemId,
          typeCode: opts.type,
          gatewayId: opts.gatewayId,
          gatewayKey: keyIn(opts.gatewayKey).publicKey,
          deviceKey: keyIn(opts.deviceKey).publicKey,
        };
        const admin = readKeyFile(opts.adminKey);
        await submitAndCommit(api, await chainIdOf(api), admin, 'monitoring.registerDevice', {
          ...registration,
        });
        console.log(`registered ${opts.systemId}`);
      },
    );

  withApi(devices.command('bind'))
    .description('bind a registered device to yourself, signed with your patient key (your consent)')
    .requiredOption('--key <file>', 'your patient key (carechain patient keygen)')
    .requiredOption('--system-id <eui64>', "the device's system id", systemId)
    .action(async (opts: ApiOptions & { key: string; systemId: string }) => {
      const api = apiOf(opts);
      const key = readKeyFile(opts.key);
      await submitAndCommit(api, await chainIdOf(api), key, 'monitoring.bindDevice', {
        systemId: opts.systemId,
      });
      console.log(`bound ${opts.systemId} to ${patientPseudonym(key.publicKey)}`);
    });

  withApi(devices.command('simulate'))
    .description(
      'simulated patients, each with a new pulse oximeter registered, bound and streaming signed readings',
    )
    .requiredOption('--admin-key <file>', "the custodian organisation's admin key")
    .requiredOption('--custodian <org>', 'the organisation id the patients are in the care of, e.g. hospital')
    .option('--patients <n>', 'how many patients, one device each', positive(10_000), 10)
    .option('--rate <n/s>', 'readings per device and second, e.g. 1/s', positive(10_000), 1)
    .option('--seconds <n>', 'how long to stream', positive(86_400), 60)
    .action(
      async (
        opts: ApiOptions & {
          adminKey: string;
          custodian: string;
          patients: number;
          rate: number;
          seconds: number;
        },
      ) => {
        await simulate(apiOf(opts), readKeyFile(opts.adminKey), opts);
      },
    );
  return devices;
}

interface Simulated {
  readonly systemId: string;
  readonly device: KeyPair;
  readonly patient: KeyPair;
}

async function simulate(
  api: string,
  admin: KeyPair,
  opts: { custodian: string; patients: number; rate: number; seconds: number },
): Promise<void> {
  const chainId = await chainIdOf(api);
  const simulated: Simulated[] = Array.from({ length: opts.patients }, () => ({
    systemId: toHex(randomBytes(8)),
    device: generateKeyPair(),
    patient: generateKeyPair(),
  }));
  const gateway = generateKeyPair();
  console.log(`registering ${opts.patients} patients and their devices…`);
  await Promise.all(
    simulated.map((s) =>
      submitAndCommit(api, chainId, s.patient, 'membership.registerPatient', {
        custodianOrgId: opts.custodian,
      }),
    ),
  );
  // One administrator signs every registration: one after another, so each takes the next nonce.
  for (const s of simulated) {
    await submitAndCommit(api, chainId, admin, 'monitoring.registerDevice', {
      systemId: s.systemId,
      typeCode: PULSE_OXIMETER,
      gatewayId: '4c4e49123456ffff',
      gatewayKey: gateway.publicKey,
      deviceKey: s.device.publicKey,
    });
  }
  await Promise.all(
    simulated.map((s) =>
      submitAndCommit(api, chainId, s.patient, 'monitoring.bindDevice', { systemId: s.systemId }),
    ),
  );

  const endMs = Date.now() + opts.seconds * 1000;
  let sent = 0;
  let refused = 0;
  const report = setInterval(
    () => console.log(`${sent} readings committed, ${refused} batches refused`),
    5000,
  );
  let chainMs = await chainTimeMs(api);
  // One poll of the chain's clock for all the devices.
  const clock = setInterval(() => {
    chainTimeMs(api).then(
      (ms) => (chainMs = ms),
      () => undefined,
    );
  }, 200);
  const first = Math.floor(chainMs / PERIOD_MS) * PERIOD_MS + PERIOD_MS;
  try {
    await Promise.all(
      simulated.map(async (s) => {
        for (let startMs = first; Date.now() < endMs; startMs += PERIOD_MS) {
          // A gateway sends a period once the chain's clock has closed it.
          while (chainMs < startMs + PERIOD_MS && Date.now() < endMs) {
            await new Promise((r) => setTimeout(r, 100));
          }
          if (Date.now() >= endMs) return;
          const batch = signCompactBatch(
            {
              chainId,
              systemId: s.systemId,
              patient: patientPseudonym(s.patient.publicKey),
              periodStartMs: startMs,
              periodMs: PERIOD_MS,
              seed: s.device.seed,
            },
            simulatedReadings(s.systemId, startMs, opts.rate),
          );
          const answer = await postJson(`${api}${BATCHES_PATH}`, batch);
          if (answer.status === 200) sent += batch.readings.length;
          else refused++;
        }
      }),
    );
  } finally {
    clearInterval(report);
    clearInterval(clock);
  }
  console.log(`done: ${sent} readings committed, ${refused} batches refused`);
}

/** `rate` plausible readings in one period: SpO2 and pulse in turn, drifting a little. */
function simulatedReadings(systemId: string, startMs: number, rate: number): Reading[] {
  return Array.from({ length: rate }, (_, k) => {
    const spo2 = k % 2 === 0;
    const timeMs = startMs + Math.floor((k * PERIOD_MS) / rate);
    const second = Math.floor(timeMs / 1000);
    return {
      id: `sim-${systemId}-${timeMs}-${k}`,
      code: spo2 ? '150456' : '149530',
      value: spo2 ? String(94 + (second % 5)) : String(68 + (second % 11)),
      unit: spo2 ? '%' : '/min',
      timeMs,
    };
  });
}
