// HTTPS for a test node's API, with what `carechain init --api-tls-name` runs: a CA and a server
// certificate for the given names in the node's tls/ folder, and node.json naming them, its listen
// address and its public URL. The CA certificate is what the node's clients trust.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchTrusting } from '../../src/cli/ca-fetch.ts';
import type { FetchLike } from '../../src/client/patient-client.ts';
import { installApiCertificates } from '../../src/node/api-tls-setup.ts';
import { CONFIG_FILE } from '../../src/node/config.ts';

export interface TlsApi {
  /** The node's API as its clients reach it: https, the first name, its port. */
  readonly url: string;
  readonly caPem: string;
  /** A fetch that trusts this CA only. */
  readonly fetch: FetchLike;
}

/** Makes the node in `dir` serve HTTPS for `names` (the first is its public name), listening on `host`. */
export async function useApiTls(dir: string, names: readonly string[], host: string): Promise<TlsApi> {
  const installed = await installApiCertificates(dir, names, Date.now());
  const path = join(dir, CONFIG_FILE);
  const config = JSON.parse(readFileSync(path, 'utf8'));
  writeFileSync(path, JSON.stringify({ ...config, api: { ...config.api, host } }));
  return { url: installed.publicUrl, caPem: installed.caCert, fetch: fetchTrusting(installed.caCert) };
}

/** GETs JSON through `fetch`; `null` for an empty body. */
export async function getJsonVia(fetch: FetchLike, url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}
