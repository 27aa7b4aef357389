// The one way the app calls its node (same origin). Every failure becomes an ApiFailure that keeps what
// the server said (its code, its reason, its words); describeError turns it into a sentence for the
// person in front of the app (error-sentences.ts), never the code itself.
import { refusalOf, type Refusal } from '../../../src/contract/errors.ts';
import { sentenceOfCode, type Audience } from './error-sentences.ts';

export class ApiFailure extends Error {
  readonly status: number;
  /** The domain error code (e.g. "tx.rejected"), or the OperationOutcome's first issue code. */
  readonly code: string;
  /** The domain error's details.reason (e.g. "records.nothing_to_erase" of a "tx.rejected"). */
  readonly reason: string | undefined;
  constructor(status: number, code: string, message: string, reason?: string) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = code;
    this.reason = reason;
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
export function errorMessageOf(status: number, body: unknown): Pick<Refusal, 'code' | 'message' | 'reason'> {
  const refusal = refusalOf(body);
  if (refusal === undefined) return { code: 'http', message: `the node answered ${status}` };
  const { code, message, reason } = refusal;
  const suffix = reason !== undefined && !message.includes(reason) ? ` (${reason})` : '';
  return { code, message: message + suffix, ...(reason === undefined ? {} : { reason }) };
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await call(path, options)).body as T;
}

/** A text answer (a proof file, a policy) as sent; failures as request's. */
export async function requestText(path: string, options: RequestOptions = {}): Promise<string> {
  return (await call(path, { ...options, headers: { accept: 'text/plain', ...options.headers } })).text;
}

async function call(path: string, options: RequestOptions): Promise<{ text: string; body: unknown }> {
  const headers: Record<string, string> = {};
  const type = options.fhir === true ? 'application/fhir+json' : 'application/json';
  headers.accept = type;
  Object.assign(headers, options.headers);
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
    const { code, message, reason } = errorMessageOf(response.status, body);
    throw new ApiFailure(response.status, code, message, reason);
  }
  return { text, body };
}

/** A code in parentheses at the end of the node's words: "access denied (consent.none)". */
const TRAILING_CODE = /\s*\(([a-z][a-z_-]*(?:\.[a-z_-]+)+)\)\s*$/;

/** FHIR refusals whose diagnostics name no code: a sentence per issue type the app meets. */
const FHIR_ISSUE_SENTENCES: Record<string, string> = {
  forbidden: 'You are not allowed to do this.',
  security: 'You are not allowed to do this.',
  login: 'Please sign in first.',
  expired: 'Your sign-in has ended. Sign in again to continue.',
  'not-found': 'There is no such record.',
  deleted: 'This record was erased and cannot be read any more.',
  throttled: 'The node is busy. Wait a few seconds and try again.',
};
const HTTP_SENTENCE = 'The node could not answer. Try again in a minute.';

/**
 * The sentence the error banner shows for any thrown value: the reason's or the code's sentence for
 * the audience; a FHIR refusal's own words (written for people, any trailing code dropped); the app's
 * own validation messages as they are. A raw code is never shown.
 */
export function describeError(err: unknown, audience: Audience = 'patient'): string {
  if (err instanceof ApiFailure) {
    const named = TRAILING_CODE.exec(err.message)?.[1];
    for (const code of [err.reason, named, err.code])
      if (code !== undefined) {
        const sentence = sentenceOfCode(code, audience);
        if (sentence !== undefined) return sentence;
      }
    if (err.code === 'network') return err.message;
    const words = err.message.replace(TRAILING_CODE, '').trim();
    if (words === '' || words === 'access denied' || err.code === 'http')
      return FHIR_ISSUE_SENTENCES[err.code] ?? HTTP_SENTENCE;
    return `${words[0]!.toUpperCase()}${words.slice(1)}${/[.!?]$/.test(words) ? '' : '.'}`;
  }
  if (err instanceof Error) return err.message;
  return 'Something went wrong. Please try again.';
}
