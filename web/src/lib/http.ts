// The one way the app calls its node (same origin). Every failure becomes an ApiFailure whose message is
// what the server said: the domain API's error.message, or a FHIR OperationOutcome's diagnostics.
import { refusalOf, type Refusal } from '../../../src/contract/errors.ts';

export class ApiFailure extends Error {
  readonly status: number;
  /** The domain error code (e.g. "tx.rejected"), or the OperationOutcome's first issue code. */
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = code;
  }
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly body?: unknown;
  readonly token?: string;
  /** FHIR requests send and accept application/fhir+json. */
  readonly fhir?: boolean;
  readonly headers?: Record<string, string>;
}

/** The human message of an error body, in either of the node's error formats (src/contract/errors.ts). */
export function errorMessageOf(status: number, body: unknown): Pick<Refusal, 'code' | 'message'> {
  const refusal = refusalOf(body);
  if (refusal === undefined) return { code: 'http', message: `the node answered ${status}` };
  const { code, message, reason } = refusal;
  const suffix = reason !== undefined && !message.includes(reason) ? ` (${reason})` : '';
  return { code, message: message + suffix };
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...options.headers };
  const type = options.fhir === true ? 'application/fhir+json' : 'application/json';
  headers.accept = type;
  if (options.body !== undefined) headers['content-type'] = type;
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch {
    throw new ApiFailure(0, 'network', 'cannot reach the node: check your connection and try again');
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const { code, message } = errorMessageOf(response.status, body);
    throw new ApiFailure(response.status, code, message);
  }
  return body as T;
}

/** A message for any thrown value, for the error banner. */
export function describeError(err: unknown): string {
  if (err instanceof ApiFailure) return err.message;
  if (err instanceof Error) return err.message;
  return 'something went wrong';
}
