// `carechain patient …`: the patient's side from a terminal, over any node's public API. The key is made
// here and stays in the patient's key file (mode 0600); the node never sees it. Everything the patient
// says — registration, consent, revocation, erasure — is a tx signed with it (src/client/patient-client.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { PURPOSES_OF_USE, type PurposeOfUse } from '../../app/consent/types.ts';
import { patientPseudonym } from '../../app/membership/pseudonym.ts';
import { PROXY_RELATIONSHIPS, type ProxyRelationship } from '../../app/membership/types.ts';
import { toHex } from '../../core/bytes.ts';
import { acceptProxy, PatientClient } from '../../client/patient-client.ts';
import { hex, nodeApi, withNodeApi, type NodeApiOptions } from '../options.ts';
import { createKeyFile, generateKeyPair, readKeyFile, refuseToOverwrite } from '../../node/keys.ts';

interface ApiOptions extends NodeApiOptions {
  readonly key: string;
  readonly audience?: string;
}

/** The key file's patient; a rotated key's file also names the pseudonym (the first key's hash). */
function client(opts: ApiOptions): PatientClient {
  const api = nodeApi(opts);
  const key = readKeyFile(opts.key);
  const { pseudonym } = JSON.parse(readFileSync(opts.key, 'utf8')) as { pseudonym?: unknown };
  return new PatientClient(
    api.url,
    key.seed,
    typeof pseudonym === 'string' ? pseudonym : undefined,
    opts.audience,
    api.fetch,
  );
}

/** Logs in (signing the node's challenge), then prints as JSON what one call with the token answers. */
async function printWithLogin(
  opts: ApiOptions,
  call: (c: PatientClient, accessToken: string) => Promise<unknown>,
): Promise<void> {
  const c = client(opts);
  const { accessToken } = await c.login();
  console.log(JSON.stringify(await call(c, accessToken), null, 2));
}

function relationship(value: string): ProxyRelationship {
  if (!(PROXY_RELATIONSHIPS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`relationship is one of ${PROXY_RELATIONSHIPS.join(', ')}`);
  }
  return value as ProxyRelationship;
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
  withNodeApi(command)
    .requiredOption('--key <file>', 'the key file made by `carechain patient keygen`')
    .option(
      '--audience <url>',
      "the node's FHIR base URL, if not <api>/fhir/R4: login signs only a challenge naming it",
    );

export function patientCommand(): Command {
  const patient = new Command('patient').description(
    "the patient's own key and what it signs: register, log in, consent, key rotation, proxies, access log, erasure",
  );

  patient
    .command('keygen')
    .description('make a new patient key, kept in a file only you hold (mode 0600)')
    .requiredOption('--out <file>', 'where to write the key')
    .action((opts: { out: string }) => {
      const key = createKeyFile(opts.out);
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
      await printWithLogin(opts, (c, accessToken) => c.accessLog(accessToken));
    });

  withApi(patient.command('rotate'))
    .description('move to a new key (lost or exposed device); the old key is void from then on')
    .requiredOption('--new-key <file>', 'where to write the new key (with your pseudonym)')
    .action(async (opts: ApiOptions & { newKey: string }) => {
      refuseToOverwrite(opts.newKey, 'a key');
      const next = generateKeyPair();
      const rotated = await client(opts).rotateKey(next.seed);
      // Written after the commit: before it, the old key is still the one that counts.
      const file = { publicKey: next.publicKey, seed: toHex(next.seed), pseudonym: rotated.pseudonym };
      writeFileSync(opts.newKey, JSON.stringify(file, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
      console.log(`rotated: ${rotated.pseudonym} now acts with ${next.publicKey}`);
    });

  withApi(patient.command('accept-proxy'))
    .description("the proxy's side: sign your acceptance to act for a patient, to give to the patient")
    .requiredOption('--patient <pseudonym>', "the patient's pseudonym", hex(32))
    .requiredOption('--relationship <r>', PROXY_RELATIONSHIPS.join(' or '), relationship)
    .action(async (opts: ApiOptions & { patient: string; relationship: ProxyRelationship }) => {
      const chainId = await client(opts).chain();
      const accepted = acceptProxy(readKeyFile(opts.key).seed, chainId, opts.patient, opts.relationship);
      console.log(`--proxy-public-key ${accepted.proxyKey} --proxy-signature ${accepted.proxySignature}`);
    });

  withApi(patient.command('appoint-proxy'))
    .description('appoint a guardian or caregiver who acts for you with their own key')
    .requiredOption('--proxy-public-key <hex>', "the proxy's public key", hex(32))
    .requiredOption('--proxy-signature <hex>', 'their acceptance, from `accept-proxy`', hex(64))
    .requiredOption('--relationship <r>', PROXY_RELATIONSHIPS.join(' or '), relationship)
    .action(
      async (
        opts: ApiOptions & {
          proxyPublicKey: string;
          proxySignature: string;
          relationship: ProxyRelationship;
        },
      ) => {
        const { height } = await client(opts).appointProxy(
          opts.proxyPublicKey,
          opts.relationship,
          opts.proxySignature,
        );
        console.log(`proxy appointed at block ${height}`);
      },
    );

  withApi(patient.command('revoke-proxy'))
    .description("revoke a proxy's right to act for you (final for that key)")
    .requiredOption('--proxy-public-key <hex>', "the proxy's public key", hex(32))
    .action(async (opts: ApiOptions & { proxyPublicKey: string }) => {
      const { height } = await client(opts).revokeProxy(opts.proxyPublicKey);
      console.log(`proxy revoked at block ${height}`);
    });

  withApi(patient.command('erase'))
    .description(
      'ask every custodian of your records to crypto-shred them (cannot be undone; your own key only, not a proxy)',
    )
    .option('--yes', 'confirm')
    .action(async (opts: ApiOptions & { yes?: boolean }) => {
      if (opts.yes !== true) throw new InvalidArgumentError('erasure cannot be undone: add --yes to confirm');
      await printWithLogin(opts, (c, accessToken) => c.requestErasure(accessToken));
    });

  withApi(patient.command('erasure-status'))
    .description("how far each custodian is with your records' erasure (pending, erased, receipts)")
    .action(async (opts: ApiOptions) => {
      await printWithLogin(opts, (c, accessToken) => c.erasureStatus(accessToken));
    });

  return patient;
}
