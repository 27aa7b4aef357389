// The refusal a service raises when a request may not proceed, with the HTTP status it answers at the
// domain API ({ error: { code, message, details } }, translated by api/errors.ts). Services stay
// transport-agnostic otherwise: the status is a number, not a reply.
import { CoreError, type Details } from '../core/errors.ts';

export class ApiError extends CoreError {
  readonly statusCode: number;
  constructor(statusCode: number, code: string, message: string, details: Details = {}) {
    super(code, message, details);
    this.statusCode = statusCode;
  }
}
