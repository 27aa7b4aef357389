// Errors the node shell raises itself (the pure layers raise CoreError). Same shape: a stable code,
// a message with no PHI, and typed details.
import { CoreError, type Details } from '../core/errors.ts';

export class NodeError extends CoreError {
  constructor(code: string, message: string, details: Details = {}) {
    super(code, message, details);
    this.name = 'NodeError';
  }
}
