// Puts an HTTPS certificate into a node folder: what `carechain init --api-tls-name` and `carechain
// api-cert` do. Makes a CA and a server certificate for the names (api-tls.ts), writes them into tls/,
// and points node.json's api.tls and api.publicUrl at them, keeping everything else in the file.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_TLS_FILES, httpsOrigin, makeApiCertificates, writeApiCertificates } from './api-tls.ts';
import { CONFIG_FILE, type NodeConfigFile } from './config.ts';
import { NodeError } from './errors.ts';

export interface InstalledApiTls {
  /** The CA certificate's path: what the node's clients trust (`--ca`). */
  readonly caCertPath: string;
  readonly caCert: string;
  /** The API's new public URL: https, the first name, the configured port. */
  readonly publicUrl: string;
}

export async function installApiCertificates(
  folder: string,
  names: readonly string[],
  nowMs: number,
): Promise<InstalledApiTls> {
  const configPath = join(folder, CONFIG_FILE);
  let config: NodeConfigFile;
  try {
    config = JSON.parse(readFileSync(configPath, 'utf8')) as NodeConfigFile;
  } catch {
    throw new NodeError('config.unreadable', `config ${configPath} cannot be read`);
  }
  if (config.api.port === 0) {
    // Clients are told the URL, port included: a port picked at each start could not be named.
    throw new NodeError('config.invalid', 'an HTTPS API needs a fixed port in node.json (api.port)');
  }
  const made = await makeApiCertificates(config.name, names, nowMs);
  writeApiCertificates(folder, made);
  const publicUrl = httpsOrigin(names[0]!, config.api.port);
  const api = { ...config.api, tls: { cert: API_TLS_FILES.cert, key: API_TLS_FILES.key }, publicUrl };
  writeFileSync(configPath, JSON.stringify({ ...config, api }, null, 2) + '\n');
  return { caCertPath: join(folder, API_TLS_FILES.caCert), caCert: made.caCert, publicUrl };
}
