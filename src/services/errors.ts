// The refusal a service raises when a request may not proceed: a catalogue code (core/errors/codes.ts),
// a message without PHI and details. Services stay transport-agnostic: the status each code answers
// with, and the format (domain JSON or OperationOutcome), are the API's one error translator's
// (api/errors.ts), taken from the catalogue.
import { CoreError, type Details } from '../core/errors.ts';

export class ServiceError extends CoreError {
  constructor(code: string, message: string, details: Details = {}) {
    super(code, message, details);
    this.name = 'ServiceError';
  }
}
