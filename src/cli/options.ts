// What the `carechain` commands share: the options of every command that talks to a node's API
// (`patient`, `gov`): the API's URL, the CA to trust for its HTTPS, and the explicit opt-in to plain
// HTTP beyond this machine; and the argument parsers.
import { Command, InvalidArgumentError } from 'commander';
import { checkApiUrl } from '../node/api-tls.ts';
import type { FetchLike } from '../client/api-call.ts';
import { fetchFor } from './ca-fetch.ts';

export interface NodeApiOptions {
  readonly api: string;
  readonly ca?: string;
  readonly insecureHttp?: boolean;
}

export const withNodeApi = (command: Command): Command =>
  command
    .requiredOption('--api <url>', "a node's API, e.g. https://hospital.example.org:8081")
    .option(
      '--ca <file>',
      "trust only this CA certificate for the node's HTTPS (the tls/api-ca.pem `carechain init --api-tls-name` made); default: the system's CAs",
    )
    .option(
      '--insecure-http',
      'allow an http:// API beyond this machine (what you send crosses in clear text)',
    );

/** Checks the URL (https, or http on loopback unless --insecure-http) and answers the fetch to use. */
export function nodeApi(opts: NodeApiOptions): { url: string; fetch: FetchLike | undefined } {
  checkApiUrl(opts.api, { insecureHttp: opts.insecureHttp === true });
  return { url: opts.api, fetch: fetchFor(opts.ca) };
}

/** A parser for an integer from `min` to `max`. */
export function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return n;
  };
}

/** A parser for `bytes` bytes of lowercase hex (a key, a signature, a proposal id). */
export function hex(bytes: number) {
  return (value: string): string => {
    if (!new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(value)) {
      throw new InvalidArgumentError(`expected ${bytes} bytes of lowercase hex`);
    }
    return value;
  };
}
