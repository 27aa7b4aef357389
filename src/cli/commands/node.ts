// `carechain node --config <file>`: runs one node of a network, as an institution does on its own
// machine: the ledger, consensus with its peers over mutual TLS, the API, and the FHIR R4 endpoint of
// its own organisation (records it is custodian of, and patient login by signed challenge).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ChallengeStore } from '../../api/auth/challenge.ts';
import { REVOCATIONS_FILE, SessionRevocations } from '../../api/auth/revocations.ts';
import { TokenIssuer, TokenVerifier } from '../../api/auth/tokens.ts';
import { createFhirValidator } from '../../services/fhir/validate.ts';
import { RecordsGateway } from '../../services/records/gateway.ts';
import { FHIR_BASE_PATH } from '../../api/routes/fhir.ts';
import { buildApiServer } from '../../api/server.ts';
import { systemClock } from '../../node/env.ts';
import { checkApiExposure, readApiTls } from '../../node/api-tls.ts';
import { loadNodeConfig, type ApiConfig } from '../../node/config.ts';
import { createLogger } from '../../node/logger.ts';
import { CarechainNode } from '../../node/node.ts';
import { StartedParts, untilSignal } from './shutdown.ts';
import { erasureCrashHook } from '../test-hooks.ts';
import { NodeWitness } from '../../services/witness/node-witness.ts';
import type { GenomicsServiceOptions } from '../../services/genomics/index.ts';
import { startHl7Listener } from './hl7.ts';
import { Hl7Metrics } from '../../api/hl7-metrics.ts';
import { Hl7MessageLog } from '../../node/storage/hl7-message-log.ts';
import { inboxKeyOf } from '../../node/storage/hl7-inbox-key.ts';

/**
 * The base URL of a node's API as its clients reach it; also the iss of the node's tokens. It is
 * node.json's api.publicUrl if set; otherwise a wildcard listen address is named as loopback, as the
 * node cannot know its public name. https when the API has TLS.
 */
export function apiBaseUrl(api: ApiConfig): string {
  if (api.publicUrl !== undefined) return api.publicUrl;
  const host = api.host === '' || api.host === '0.0.0.0' || api.host === '::' ? '127.0.0.1' : api.host;
  const scheme = api.tls === undefined ? 'http' : 'https';
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${api.port}`;
}

/** The node's FHIR base URL: the aud of its tokens and the audience of its login challenges. */
export function fhirBaseUrl(api: ApiConfig): string {
  return `${apiBaseUrl(api)}${FHIR_BASE_PATH}`;
}

/** A free port for `port: 0`: the FHIR base URL names the port, so it is chosen before the routes. */
function freePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

export async function runNode(options: {
  config: string;
  database?: string;
  /** The operator's word that a plain-HTTP API off loopback is encrypted by something else. */
  insecureHttp?: boolean;
}): Promise<void> {
  const config = loadNodeConfig(options.config);
  // Before anything starts: a node that would serve health data in clear text does not start at all.
  checkApiExposure(config.api, { insecureHttp: options.insecureHttp === true });
  const tls = config.api.tls === undefined ? undefined : readApiTls(config.api.tls);
  const database = options.database ?? config.database;
  const logger = createLogger();
  // Compiling the R4 schema blocks for about a second: done before consensus starts, not during it.
  const validator = createFhirValidator();
  const node = new CarechainNode(
    {
      dataDir: config.dataDir,
      ...(database === undefined ? {} : { database }),
      genesis: config.genesis,
      key: config.key,
      blockIntervalMs: 0,
      emptyBlockIntervalMs: 0,
      ...(config.mempool === undefined ? {} : { mempool: config.mempool }),
      network: {
        listenHost: config.p2p.host,
        listenPort: config.p2p.port,
        peers: config.peers,
        ...(config.dialPeersMax === undefined ? {} : { dialPeersMax: config.dialPeersMax }),
        ...(config.commitPauseMs === undefined ? {} : { commitPauseMs: config.commitPauseMs }),
      },
    },
    { logger },
  );
  const parts = new StartedParts();
  const ready = await parts.starting(async () => {
    parts.add(() => node.stop());
    const { p2pPort } = await node.start();
    const api: ApiConfig =
      config.api.port === 0 ? { ...config.api, port: await freePort(config.api.host) } : config.api;
    const issuerName = apiBaseUrl(api);
    const baseUrl = fhirBaseUrl(api);
    const random = (n: number) => new Uint8Array(randomBytes(n));
    const gateway = new RecordsGateway({}, { node, validator, clock: systemClock });
    parts.add(() => gateway.close());
    const issuer = await TokenIssuer.create(
      { issuer: issuerName, audience: baseUrl, seed: config.key.seed },
      { clock: systemClock, randomBytes: random },
    );
    const verifier = await TokenVerifier.create(
      {
        issuer: issuerName,
        issuerPublicKey: config.key.publicKey,
        audience: baseUrl,
        // Logged-out sessions, kept across restarts in the node's own data directory.
        revocations: new SessionRevocations(
          { path: join(config.dataDir, REVOCATIONS_FILE) },
          { clock: systemClock },
        ),
      },
      { clock: systemClock },
    );
    const challenges = new ChallengeStore(
      { audience: baseUrl, chainId: node.ledger.chainId },
      { clock: systemClock, randomBytes: random },
    );
    const witness = new NodeWitness(node, {}, { logger });
    parts.add(() => witness.stop());
    witness.start();
    const hl7Metrics = config.hl7 === undefined ? undefined : new Hl7Metrics();
    // Every node has its HL7 message log, listener or not: a scan of its stores (test/harness/phi-scan.ts)
    // then always covers it, and a listener configured later finds it there.
    const hl7Log = new Hl7MessageLog(node.storage.open('hl7'), inboxKeyOf(config.key.seed));
    parts.add(() => hl7Log.close());
    const app = buildApiServer(node, logger, {
      witness,
      hl7Log,
      ...(hl7Metrics === undefined ? {} : { metrics: [hl7Metrics.registry] }),
      fhir: { gateway, verifier, baseUrl, patientAuth: { issuer, challenges } },
      recordsAdmin: erasureCrashHook(),
      supply: {
        verifier,
        ...(config.verifyLimits === undefined ? {} : { verifyLimits: config.verifyLimits }),
      },
      claims: { defaultPayerOrgId: config.defaultPayerOrgId, networkKey: config.claimsNetworkKey },
      ...(config.genomics === undefined
        ? {}
        : { genomics: config.genomics as unknown as GenomicsServiceOptions }),
      ...(tls === undefined ? {} : { tls }),
    });
    parts.add(() => app.close());
    // Listening before the API says it is: whoever waits for that line can send HL7 at once.
    const hl7 =
      config.hl7 === undefined
        ? undefined
        : await startHl7Listener(config.name, config.hl7, {
            node,
            gateway,
            log: hl7Log,
            logger,
            clock: systemClock,
            ...(hl7Metrics === undefined ? {} : { metrics: hl7Metrics }),
          });
    parts.add(() => hl7?.stop());
    const address = await app.listen({ host: api.host, port: api.port });
    return { address, p2pPort, baseUrl };
  });
  // The signal handlers first, then the lines that say the node is ready: whoever stops it on reading
  // them (a supervisor, a test) gets the clean stop, not the default SIGTERM's instant kill.
  const stopped = untilSignal(async () => {
    await parts.stopAll();
    console.log(`${config.name}: stopped`);
  });
  const role = node.network?.isValidator ? 'validator' : 'non-validator';
  console.log(
    `${config.name}: ${role} ${config.key.publicKey.slice(0, 16)}… of ${node.ledger.chainId} at height ${node.ledger.tip().height}`,
  );
  console.log(
    `${config.name}: API listening on ${ready.address}, P2P on ${config.p2p.host}:${ready.p2pPort}`,
  );
  console.log(`${config.name}: FHIR R4 at ${ready.baseUrl}`);
  await stopped;
}
