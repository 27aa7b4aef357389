// What a ledger refusal of a domain's own tx means to its caller, as a catalogue code: a refused tx its
// module's reason, a bad payload '<domain>.invalid', an oversized one '<domain>.too_large', anything else
// of the tx checks '<domain>.unavailable' (our own nonce raced another request: the client may retry).
// NodeErrors (mempool.full → 503 with Retry-After) keep their code: the API's translator maps them.
import type { Details } from '../core/errors.ts';
import { TX_BYTES_MAX } from '../core/limits.ts';
import { TxError } from '../core/tx.ts';
import { ServiceError } from './errors.ts';

export function ledgerRefusal(err: unknown, type: string, domain: string): unknown {
  if (!(err instanceof TxError)) return err;
  const details: Details = err.details;
  if (err.code === 'tx.rejected') {
    const reason = typeof details.reason === 'string' ? details.reason : `${domain}.rejected`;
    return new ServiceError(reason, err.message, details);
  }
  if (err.code === 'tx.invalid_payload') return new ServiceError(`${domain}.invalid`, err.message, details);
  if (err.code === 'tx.too_large') {
    return new ServiceError(`${domain}.too_large`, `the ${type} tx is larger than ${TX_BYTES_MAX} bytes`);
  }
  return new ServiceError(`${domain}.unavailable`, `the ledger did not accept the ${type} tx (${err.code})`);
}
