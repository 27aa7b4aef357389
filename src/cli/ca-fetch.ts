// `--ca <file>`: talk to a node whose API certificate was signed by a CA of its own (`carechain init
// --api-tls-name` makes one) rather than by one the system trusts. Node 20's fetch cannot be given a CA
// without a second copy of undici, so this is the small part of fetch the clients use, over
// node:https with that CA as the only trust anchor: the node's name is still checked against the
// certificate (RFC 6125), and any other certificate is refused.
import { request as httpsRequest, Agent } from 'node:https';
import { readFileSync } from 'node:fs';
import type { FetchLike } from '../client/patient-client.ts';
import { NodeError } from '../node/errors.ts';

/** Largest answer read, in bytes: a page of the access log or a search Bundle fits many times. */
const ANSWER_BYTES_MAX = 32 * 1024 * 1024;
const TIMEOUT_MS = 60_000;

/** A fetch that trusts only the CA certificate(s) in `caPem`, and speaks only https. */
export function fetchTrusting(caPem: string): FetchLike {
  const agent = new Agent({ ca: caPem });
  return (url, init = {}) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'https:') {
        // A CA given for a plain-HTTP URL is a mistake that would send a token in clear text.
        reject(new NodeError('config.insecure_api', `${target.origin}: --ca needs an https:// API URL`));
        return;
      }
      const request = httpsRequest(
        target,
        { method: init.method ?? 'GET', headers: init.headers ?? {}, agent, timeout: TIMEOUT_MS },
        (response) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes > ANSWER_BYTES_MAX) request.destroy(new Error(`${target.origin} answered too much`));
            else chunks.push(chunk);
          });
          response.on('error', reject);
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              ok: status >= 200 && status < 300,
              status,
              statusText: response.statusMessage ?? '',
              text: () => Promise.resolve(text),
            });
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error(`${target.origin} did not answer`)));
      request.on('error', reject);
      request.end(init.body);
    });
}

/** `--ca <file>`'s fetch, or the platform's (the system's trust store) without one. */
export function fetchFor(caFile: string | undefined): FetchLike | undefined {
  if (caFile === undefined) return undefined;
  let pem: string;
  try {
    pem = readFileSync(caFile, 'utf8');
  } catch {
    throw new NodeError('config.unreadable', `the CA certificate ${caFile} cannot be read`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new NodeError('config.invalid', `${caFile} holds no PEM certificate`);
  }
  return fetchTrusting(pem);
}
