// The one way the app calls its node (same origin). Every failure becomes an ApiFailure whose message is
// what the server said: the domain API's error.message, or a FHIR OperationOutcome's diagnostics.

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

interface DomainError {
  error?: { code?: unknown; message?: unknown; details?: { reason?: unknown } };
}
interface OperationOutcomeLike {
  resourceType?: unknown;
  issue?: { code?: unknown; diagnostics?: unknown; details?: { text?: unknown } }[];
}

/** The human message of an error body, in either of the node's error formats. */
export function errorMessageOf(status: number, body: unknown): { code: string; message: string } {
  const domain = (body ?? {}) as DomainError;
  if (domain.error !== undefined && typeof domain.error.message === 'string') {
    const reason = domain.error.details?.reason;
    const suffix = typeof reason === 'string' && !domain.error.message.includes(reason) ? ` (${reason})` : '';
    const code = typeof domain.error.code === 'string' ? domain.error.code : 'error';
    return { code, message: domain.error.message + suffix };
  }
  const outcome = (body ?? {}) as OperationOutcomeLike;
  if (outcome.resourceType === 'OperationOutcome' && Array.isArray(outcome.issue)) {
    const texts = outcome.issue
      .map((i) => (typeof i.diagnostics === 'string' ? i.diagnostics : i.details?.text))
      .filter((t): t is string => typeof t === 'string');
    const code = typeof outcome.issue[0]?.code === 'string' ? outcome.issue[0].code : 'error';
    return { code, message: texts.join('; ') || `request failed (${code})` };
  }
  return { code: 'http', message: `the node answered ${status}` };
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
