// OperationOutcome: the one error currency of the FHIR boundary (STYLE §3), with one status mapping.
// FHIR says errors on the RESTful API SHOULD carry an OperationOutcome (http.html#summary,
// operationoutcome.html); the status codes per interaction come from http.html (read: 404/410,
// update: 400/404/409/412/422, create: 400/404/422). Diagnostics never carry resource content (PHI):
// they name the problem and the place (issue.expression, a FHIRPath), never the value found there.
import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4.js';

export type IssueSeverity = 'fatal' | 'error' | 'warning' | 'information';

/** The IssueType value set (valueset-issue-type.html), mapped to the HTTP status it means at our boundary. */
const STATUS_BY_ISSUE_TYPE = {
  invalid: 400,
  structure: 400,
  required: 400,
  value: 400,
  invariant: 400,
  'code-invalid': 400,
  extension: 400,
  'too-long': 400,
  'not-supported': 400,
  'too-costly': 400,
  login: 401,
  unknown: 401,
  expired: 401,
  security: 403,
  forbidden: 403,
  suppressed: 403,
  'not-found': 404,
  duplicate: 409,
  conflict: 409,
  deleted: 410,
  // http.html#cond-update / #ccreate: a conditional interaction matching several resources is 412.
  'multiple-matches': 412,
  processing: 422,
  'business-rule': 422,
  throttled: 429,
  exception: 500,
  'no-store': 500,
  incomplete: 500,
  transient: 503,
  'lock-error': 503,
  timeout: 504,
  informational: 200,
} as const;

export type IssueType = keyof typeof STATUS_BY_ISSUE_TYPE;

/** Status for an If-Match version mismatch (http.html#concurrency): the one status no IssueType implies. */
export const STATUS_PRECONDITION_FAILED = 412;

/** Longest diagnostics or expression text we emit (paths follow client JSON, which may nest deep). */
export const DIAGNOSTICS_CHARS_MAX = 300;

export interface Issue {
  severity: IssueSeverity;
  code: IssueType;
  diagnostics: string;
  /** FHIRPath expressions locating the problem (operationoutcome-definitions.html#OperationOutcome.issue.expression). */
  expression?: string[];
}

export function issue(code: IssueType, diagnostics: string, expression?: string | string[]): Issue {
  const out: Issue = { severity: 'error', code, diagnostics: clip(diagnostics) };
  if (expression !== undefined)
    out.expression = (Array.isArray(expression) ? expression : [expression]).map(clip);
  return out;
}

export function warning(code: IssueType, diagnostics: string, expression?: string | string[]): Issue {
  return { ...issue(code, diagnostics, expression), severity: 'warning' };
}

function clip(text: string): string {
  return text.length <= DIAGNOSTICS_CHARS_MAX ? text : `${text.slice(0, DIAGNOSTICS_CHARS_MAX - 1)}…`;
}

export function operationOutcome(issues: readonly Issue[]): OperationOutcome {
  // An OperationOutcome needs at least one issue (issue 1..*); an empty list means "all is well".
  const ok: Issue = { severity: 'information', code: 'informational', diagnostics: 'ok' };
  const list = issues.length > 0 ? issues : [ok];
  return {
    resourceType: 'OperationOutcome',
    issue: list.map((i): OperationOutcomeIssue => {
      const out: OperationOutcomeIssue = { severity: i.severity, code: i.code, diagnostics: i.diagnostics };
      if (i.expression !== undefined && i.expression.length > 0) out.expression = [...i.expression];
      return out;
    }),
  };
}

export function statusForIssueType(code: IssueType): number {
  return STATUS_BY_ISSUE_TYPE[code];
}

const SEVERITY_RANK: Record<IssueSeverity, number> = { fatal: 0, error: 1, warning: 2, information: 3 };

/**
 * The status for a list of issues: that of the most severe one, first in list order among equals, so a
 * validator's first error decides. Warnings alone do not make an error status.
 */
export function statusForIssues(issues: readonly Issue[]): number {
  let worst: Issue | undefined;
  for (const i of issues) {
    if (i.severity === 'warning' || i.severity === 'information') continue;
    if (worst === undefined || SEVERITY_RANK[i.severity] < SEVERITY_RANK[worst.severity]) worst = i;
  }
  return worst === undefined ? 200 : statusForIssueType(worst.code);
}

/** A failure at the FHIR boundary: the HTTP status and the issues of its OperationOutcome. */
export class FhirError extends Error {
  readonly statusCode: number;
  readonly issues: readonly Issue[];
  /** For a refusal that says "later" (429): when to ask again, sent as Retry-After (RFC 9110 §10.2.3). */
  readonly retryAfterSeconds: number | undefined;

  constructor(statusCode: number, issues: readonly Issue[], retryAfterSeconds?: number) {
    super(issues[0]?.diagnostics ?? `FHIR error ${statusCode}`);
    this.name = 'FhirError';
    this.statusCode = statusCode;
    this.issues = issues;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The status follows from the issues (statusForIssues); use this for validation and search errors. */
  static of(issues: readonly Issue[]): FhirError {
    return new FhirError(statusForIssues(issues), issues);
  }

  static invalid(diagnostics: string, expression?: string | string[]): FhirError {
    return FhirError.of([issue('invalid', diagnostics, expression)]);
  }
  static login(diagnostics = 'authentication required'): FhirError {
    return FhirError.of([issue('login', diagnostics)]);
  }
  /** 403: never an empty 200 when consent is missing (issue 4, Access). */
  static forbidden(diagnostics = 'access denied'): FhirError {
    return FhirError.of([issue('forbidden', diagnostics)]);
  }
  static notFound(diagnostics = 'resource not found'): FhirError {
    return FhirError.of([issue('not-found', diagnostics)]);
  }
  static conflict(diagnostics: string): FhirError {
    return FhirError.of([issue('conflict', diagnostics)]);
  }
  /** 410: deleted, or erased at the patient's request (crypto-shredded). */
  static deleted(diagnostics = 'resource deleted'): FhirError {
    return FhirError.of([issue('deleted', diagnostics)]);
  }
  /** 412: If-Match named a version that is not the current one (http.html#concurrency). */
  static versionMismatch(diagnostics = 'If-Match does not name the current version'): FhirError {
    return new FhirError(STATUS_PRECONDITION_FAILED, [issue('conflict', diagnostics)]);
  }
  static businessRule(diagnostics: string, expression?: string | string[]): FhirError {
    return FhirError.of([issue('business-rule', diagnostics, expression)]);
  }

  toOperationOutcome(): OperationOutcome {
    return operationOutcome(this.issues);
  }
}

export const FHIR_JSON_CONTENT_TYPE = 'application/fhir+json; charset=utf-8';
