// `carechain patient …`: the patient's side from a terminal, over any node's public API. The key is made
// here and stays in the patient's key file (mode 0600); the node never sees it. Everything the patient
// says — registration, consent, revocation, erasure — is a tx signed with it (src/client/patient-client.ts).
import { existsSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { PURPOSES_OF_USE, type PurposeOfUse } from '../../app/consent/types.ts';
import { patientPseudonym } from '../../app/membership/pseudonym.ts';
import { PatientClient } from '../../client/patient-client.ts';
import { NodeError } from '../../node/errors.ts';
import { generateKeyPair, readKeyFile, writeKeyFile } from '../../node/keys.ts';

interface ApiOptions {
  readonly api: string;
  readonly key: string;
}

function client(opts: ApiOptions): PatientClient {
  const key = readKeyFile(opts.key);
  return new PatientClient(opts.api, key.seed);
}

function list(value: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list');
  return items;
}

function purposes(value: string): PurposeOfUse[] {
  const items = list(value);
  for (const item of items) {
    if (!(PURPOSES_OF_USE as readonly string[]).includes(item)) {
      throw new InvalidArgumentError(`purposes are ${PURPOSES_OF_USE.join(', ')}`);
    }
  }
  return items as PurposeOfUse[];
}

const withApi = (command: Command): Command =>
  command
    .requiredOption('--api <url>', "a node's API, e.g. http://127.0.0.1:8081")
    .requiredOption('--key <file>', 'the key file made by `carechain patient keygen`');

export function patientCommand(): Command {
  const patient = new Command('patient').description(
    "the patient's own key and what it signs: register, log in, consent, revoke, access log, erasure",
  );

  patient
    .command('keygen')
    .description('make a new patient key, kept in a file only you hold (mode 0600)')
    .requiredOption('--out <file>', 'where to write the key')
    .action((opts: { out: string }) => {
      if (existsSync(opts.out)) {
        throw new NodeError('config.exists', `${opts.out} exists already; not overwriting a key`);
      }
      const key = generateKeyPair();
      writeKeyFile(opts.out, key);
      console.log(`public key ${key.publicKey}`);
      console.log(`pseudonym  ${patientPseudonym(key.publicKey)}  (your identity on the chain)`);
    });

  withApi(patient.command('register'))
    .description('register your key as a patient, naming the organisation that keeps your records')
    .requiredOption('--custodian <org>', 'the organisation id, e.g. hospital')
    .action(async (opts: ApiOptions & { custodian: string }) => {
      const c = client(opts);
      const { height } = await c.register(opts.custodian);
      console.log(`registered ${c.pseudonym} at block ${height}`);
    });

  withApi(patient.command('login'))
    .description('log in at the node by signing its challenge; prints a bearer token')
    .action(async (opts: ApiOptions) => {
      const { accessToken } = await client(opts).login();
      console.log(accessToken);
    });

  withApi(patient.command('grant'))
    .description('let everyone at an organisation read some kinds of your records')
    .requiredOption('--org <org>', 'the organisation id, e.g. clinic')
    .requiredOption(
      '--types <types>',
      'FHIR resource types, comma-separated, e.g. Observation,Condition',
      list,
    )
    .option('--purposes <purposes>', `purposes of use, from ${PURPOSES_OF_USE.join(', ')}`, purposes, [
      'TREAT',
    ] as PurposeOfUse[])
    .option('--days <n>', 'how long the consent lasts (default: until revoked)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 36_500) throw new InvalidArgumentError('1 to 36500 days');
      return n;
    })
    .action(
      async (
        opts: ApiOptions & { org: string; types: string[]; purposes: PurposeOfUse[]; days?: number },
      ) => {
        const consentId = await client(opts).grantOrganisation({
          orgId: opts.org,
          resourceTypes: opts.types,
          purposes: opts.purposes,
          untilMs: opts.days === undefined ? null : Date.now() + opts.days * 24 * 60 * 60 * 1000,
        });
        console.log(consentId);
      },
    );

  withApi(patient.command('revoke'))
    .description('revoke a consent; it stops counting from the block that commits the revocation')
    .requiredOption('--consent <id>', 'the consent id `grant` printed')
    .action(async (opts: ApiOptions & { consent: string }) => {
      const { height } = await client(opts).revoke(opts.consent);
      console.log(`revoked at block ${height}`);
    });

  withApi(patient.command('access-log'))
    .description('who read your records held at this node, when, why, and whether it was allowed (JSON)')
    .action(async (opts: ApiOptions) => {
      const c = client(opts);
      const { accessToken } = await c.login();
      console.log(JSON.stringify(await c.accessLog(accessToken), null, 2));
    });

  withApi(patient.command('erase'))
    .description('ask this node, your custodian, to crypto-shred all your records (cannot be undone)')
    .option('--yes', 'confirm')
    .action(async (opts: ApiOptions & { yes?: boolean }) => {
      if (opts.yes !== true) throw new InvalidArgumentError('erasure cannot be undone: add --yes to confirm');
      const c = client(opts);
      const { accessToken } = await c.login();
      console.log(JSON.stringify(await c.requestErasure(accessToken), null, 2));
    });

  return patient;
}
