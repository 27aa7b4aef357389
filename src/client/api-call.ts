// One HTTP call to a node's public API, shared by the clients in this folder (patient, governance):
// JSON in, JSON out, and a refusal turned into the caller's own error with the node's stable code.
import { refusalOf } from '../contract/errors.ts';

/**
 * The part of fetch these clients use. The platform's fetch by default (a browser, or Node.js trusting
 * the system's CAs); the `carechain` command passes one that trusts a node's own CA (`--ca`).
 */
export type FetchLike = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<{ ok: boolean; status: number; statusText: string; text(): Promise<string> }>;

/** The platform's fetch, looked up at call time (a test or a polyfill may set it later). */
export const platformFetch: FetchLike = (url, init) => globalThis.fetch(url, init);

/** An API refusal, with the node's stable error code (never the request); each client names its own. */
export class ApiRefusal extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
  }
}

export async function callApi(
  fetch: FetchLike,
  url: string,
  method: 'GET' | 'POST',
  refused: new (status: number, code: string, message: string) => ApiRefusal,
  body?: unknown,
  token?: string,
): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const answer: unknown = text === '' ? {} : JSON.parse(text);
  if (!response.ok) {
    // The catalogue code (the domain's, or the one a Beacon error carries); a FHIR OperationOutcome's issue
    // type is not one, so it stays http.<status>.
    const refusal = refusalOf(answer);
    const code =
      refusal !== undefined && refusal.format !== 'fhir' ? refusal.code : `http.${response.status}`;
    throw new refused(response.status, code, refusal?.message ?? response.statusText);
  }
  return answer;
}

/** What a domain client of a node's API holds: the node's origin, the caller's bearer token, its fetch. */
export abstract class NodeApiClient {
  protected readonly apiUrl: string;
  protected readonly token: string | undefined;
  protected readonly fetch: FetchLike;

  constructor(apiUrl: string, token?: string, fetchLike: FetchLike = platformFetch) {
    this.apiUrl = apiUrl.replace(/\/+$/, '');
    this.token = token;
    this.fetch = fetchLike;
  }
}
