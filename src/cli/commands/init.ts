// `carechain init` and `carechain genesis`: what four institutions on four machines run to form a
// network (README "Run a network across institutions").
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { OrganisationType } from '../../app/membership/types.ts';
import type { BasePolicy } from '../../app/records/policy.ts';
import { API_TLS_FILES, checkCertificateNames, isLoopbackHost } from '../../node/api-tls.ts';
import { installApiCertificates, type InstalledApiTls } from '../../node/api-tls-setup.ts';
import { buildGenesis, initNodeDir, parseMember } from '../../node/config.ts';
import {
  NETWORK_KEY_FILE,
  newNetworkKey,
  wrapNetworkKey,
  writeNetworkKeyFile,
} from '../../node/claims/network-key.ts';

/** `carechain genesis` writes the fingerprint key wrapped for member NAME as claims-network-key.NAME.json. */
export const CLAIMS_KEY_PREFIX = 'claims-network-key.';

export async function runInit(options: {
  dir: string;
  name: string;
  type: OrganisationType;
  power: number;
  apiHost: string;
  apiPort: number;
  p2pHost: string;
  p2pPort: number;
  /** DNS names or IP addresses for an HTTPS certificate; none, a plain-HTTP API (loopback only). */
  apiTlsName?: readonly string[];
}): Promise<void> {
  const names = options.apiTlsName ?? [];
  // Checked before the folder is made, so a bad name leaves nothing half-written behind.
  if (names.length > 0) checkCertificateNames(names);
  const { member } = initNodeDir(options.dir, {
    name: options.name,
    type: options.type,
    power: options.power,
    api: { host: options.apiHost, port: options.apiPort },
    p2p: { host: options.p2pHost, port: options.p2pPort },
  });
  const dir = resolve(options.dir);
  const tls = names.length === 0 ? undefined : await installApiCertificates(dir, names, Date.now());
  console.log(`Initialised node "${member.name}" in ${dir}`);
  console.log(`  node key:    ${join(dir, 'node-key.json')} (secret; mode 0600)`);
  console.log(
    `  admin key:   ${join(dir, 'admin-key.json')} (secret; registers your practitioners — move it to your administrators)`,
  );
  console.log(`  config:      ${join(dir, 'node.json')}`);
  console.log(`  member file: ${join(dir, 'member.json')} — send this to whoever assembles genesis`);
  console.log(`  public key:  ${member.publicKey}`);
  if (tls !== undefined) printApiTls(dir, names, tls);
  else if (!isLoopbackHost(options.apiHost)) {
    console.log(
      `  warning:     the API is plain HTTP on ${options.apiHost}: the node will refuse to start without --api-tls-name or --insecure-http`,
    );
  }
}

/**
 * `carechain api-cert`: a new CA and certificate for an existing node folder, to renew one or change
 * its names. The node uses it from its next start; its clients need the new CA.
 */
export async function runApiCert(options: { dir: string; apiTlsName: readonly string[] }): Promise<void> {
  const dir = resolve(options.dir);
  const tls = await installApiCertificates(dir, options.apiTlsName, Date.now());
  console.log(`New API certificate for the node in ${dir}; restart the node to use it.`);
  printApiTls(dir, options.apiTlsName, tls);
}

function printApiTls(dir: string, names: readonly string[], tls: InstalledApiTls): void {
  console.log(`  API:         ${tls.publicUrl} (HTTPS for ${names.join(', ')})`);
  console.log(`  API CA:      ${tls.caCertPath} — give this to your API's clients (--ca); not secret`);
  console.log(`  API key:     ${join(dir, API_TLS_FILES.key)} (secret; mode 0600)`);
}

export function runGenesis(options: {
  chainId: string;
  out: string;
  members: string[];
  timeMs?: number;
  basePolicy?: BasePolicy;
}): void {
  const members = options.members.map((path) => parseMember(JSON.parse(readFileSync(path, 'utf8')), path));
  const { genesis, peers } = buildGenesis(options.chainId, options.timeMs ?? Date.now(), members, {
    ...(options.basePolicy === undefined ? {} : { basePolicy: options.basePolicy }),
  });
  const out = resolve(options.out);
  writeFileSync(join(out, 'genesis.json'), JSON.stringify(genesis, null, 2) + '\n');
  writeFileSync(join(out, 'peers.json'), JSON.stringify(peers, null, 2) + '\n');
  // The members' claim-line fingerprint key, made here once and wrapped for each founding node's key
  // (node/claims/network-key.ts); the bare key is not written anywhere.
  const networkKey = newNetworkKey();
  for (const m of members) {
    const file = wrapNetworkKey(networkKey, genesis.chainId, m.publicKey);
    writeNetworkKeyFile(join(out, `${CLAIMS_KEY_PREFIX}${m.name}.json`), file);
  }
  networkKey.fill(0);
  const total = members.reduce((sum, m) => sum + m.power, 0);
  const nonVoting = members.length - genesis.validators.length;
  console.log(
    `Genesis for ${genesis.chainId}: ${genesis.validators.length} validators, total power ${total}` +
      (nonVoting > 0 ? `, and ${nonVoting} non-voting members` : ''),
  );
  for (const m of members) console.log(`  ${m.name.padEnd(16)} power ${m.power}  ${m.publicKey}`);
  console.log(
    `Wrote ${join(out, 'genesis.json')} and ${join(out, 'peers.json')}; copy both into every node folder.`,
  );
  console.log(
    `Wrote ${CLAIMS_KEY_PREFIX}<member>.json for each member: the claims fingerprint key, wrapped for that ` +
      `member's node key alone. Send each member its own; it goes into the node folder as ` +
      `${NETWORK_KEY_FILE}, named in node.json as "claims": { "networkKeyFile": "${NETWORK_KEY_FILE}" }.`,
  );
}
