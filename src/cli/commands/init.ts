// `carechain init` and `carechain genesis`: what four institutions on four machines run to form a
// network (README "Run a network across institutions").
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { OrganisationType } from '../../app/membership/types.ts';
import {
  API_TLS_FILES,
  isLoopbackHost,
  makeApiCertificates,
  writeApiCertificates,
} from '../../node/api-tls.ts';
import { buildGenesis, initNodeDir, parseMember } from '../../node/config.ts';

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
  // Made before the folder, so a bad name leaves nothing half-written behind.
  const certificates =
    names.length === 0 ? undefined : await makeApiCertificates(options.name, names, Date.now());
  const api = { host: options.apiHost, port: options.apiPort };
  const { member } = initNodeDir(options.dir, {
    name: options.name,
    type: options.type,
    power: options.power,
    api:
      certificates === undefined
        ? api
        : {
            ...api,
            tls: { cert: API_TLS_FILES.cert, key: API_TLS_FILES.key },
            publicUrl: new URL(`https://${urlHost(names[0]!)}:${options.apiPort}`).origin,
          },
    p2p: { host: options.p2pHost, port: options.p2pPort },
  });
  const dir = resolve(options.dir);
  if (certificates !== undefined) writeApiCertificates(dir, certificates);
  console.log(`Initialised node "${member.name}" in ${dir}`);
  console.log(`  node key:    ${join(dir, 'node-key.json')} (secret; mode 0600)`);
  console.log(
    `  admin key:   ${join(dir, 'admin-key.json')} (secret; registers your practitioners — move it to your administrators)`,
  );
  console.log(`  config:      ${join(dir, 'node.json')}`);
  console.log(`  member file: ${join(dir, 'member.json')} — send this to whoever assembles genesis`);
  console.log(`  public key:  ${member.publicKey}`);
  if (certificates !== undefined) {
    console.log(
      `  API:         https://${urlHost(names[0]!)}:${options.apiPort} (HTTPS for ${names.join(', ')})`,
    );
    console.log(
      `  API CA:      ${join(dir, API_TLS_FILES.caCert)} — give this to your API's clients (--ca); not secret`,
    );
    console.log(`  API key:     ${join(dir, API_TLS_FILES.key)} (secret; mode 0600)`);
  } else if (!isLoopbackHost(options.apiHost)) {
    console.log(
      `  warning:     the API is plain HTTP on ${options.apiHost}: the node will refuse to start without --api-tls-name or --insecure-http`,
    );
  }
}

/** A host as a URL names it: an IPv6 address in brackets. */
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export function runGenesis(options: {
  chainId: string;
  out: string;
  members: string[];
  timeMs?: number;
}): void {
  const members = options.members.map((path) => parseMember(JSON.parse(readFileSync(path, 'utf8')), path));
  const { genesis, peers } = buildGenesis(options.chainId, options.timeMs ?? Date.now(), members);
  const out = resolve(options.out);
  writeFileSync(join(out, 'genesis.json'), JSON.stringify(genesis, null, 2) + '\n');
  writeFileSync(join(out, 'peers.json'), JSON.stringify(peers, null, 2) + '\n');
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
}
