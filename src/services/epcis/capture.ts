// POST /epcis/capture (EPCIS 2.0 §8.2.4, "capture interface"): one document in, one supply.capture tx
// out, all or nothing. The order of checks is the order of the errors a client can get:
//   schema (400 epcis.schema_invalid, with JSON pointers and the event index), size (413
//   epcis.document_too_large: split the document), the lifecycle rules (422 supply.<rule>, with the
//   event index, its eventID and the unit). A refusal that is a counterfeit signal (a second dispense,
//   a shipment by someone who does not own the unit) is reported with supply.reportAlert, since the
//   refused capture itself records nothing.
import type { Logger } from 'pino';
import { ServiceError } from '../errors.ts';
import { supplyRefusal, type SupplyService } from '../supply/service.ts';
import type { EpcisValidator } from './schema.ts';
import { parseCaptureEvents, type CapturePayload } from '../../app/supply/index.ts';
import type { CanonicalValue } from '../../core/canonical.ts';
import { TxError } from '../../core/tx.ts';
import { TX_BYTES_MAX } from '../../core/limits.ts';

export const EPCIS_DOCUMENT_TYPES = ['EPCISDocument', 'EPCISQueryDocument'] as const;

export interface CaptureAccepted {
  readonly eventIds: readonly string[];
  readonly txHash: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The events of an EPCISDocument (epcisBody.eventList) or an EPCISQueryDocument (its resultsBody). */
export function documentEvents(document: Json): unknown[] {
  const body = isObject(document.epcisBody) ? document.epcisBody : {};
  if (Array.isArray(body.eventList)) return body.eventList;
  const results = isObject(body.queryResults) ? body.queryResults : {};
  const resultsBody = isObject(results.resultsBody) ? results.resultsBody : {};
  return Array.isArray(resultsBody.eventList) ? resultsBody.eventList : [];
}

/** The supply.capture payload of a schema-valid document: each event, and the @context, as JSON text. */
export function capturePayload(document: Json): CapturePayload & { readonly [key: string]: CanonicalValue } {
  const events = documentEvents(document).map((e) => JSON.stringify(e));
  const context = document['@context'];
  return context === undefined ? { events, context: null } : { events, context: JSON.stringify(context) };
}

/** The refusals that are counterfeit signals, and the alert each one reports. */
const ALERTING: Readonly<Record<string, { effect: string; kind: string }>> = {
  'supply.already_dispensed': { effect: 'dispense', kind: 'second_dispense' },
  'supply.not_owner': { effect: 'ship', kind: 'non_owner_shipment' },
};

export class EpcisCapture {
  constructor(
    private readonly service: SupplyService,
    private readonly validator: () => EpcisValidator | undefined,
    private readonly logger: Logger,
  ) {}

  /** Validates, signs and submits; the caller decides whether to wait for the commit. */
  submit(document: unknown): CaptureAccepted {
    if (!isObject(document) || !(EPCIS_DOCUMENT_TYPES as readonly unknown[]).includes(document.type)) {
      throw new ServiceError('epcis.not_a_document', 'send an EPCISDocument (or EPCISQueryDocument) as JSON');
    }
    const validator = this.validator();
    if (validator === undefined) {
      throw new ServiceError(
        'epcis.schema_unavailable',
        'the EPCIS 2.0 JSON Schema is not available on this node',
      );
    }
    const result = validator.validate(document);
    if (!result.valid) {
      const first = result.problems[0]!;
      throw new ServiceError(
        'epcis.schema_invalid',
        `not a valid EPCIS 2.0 document: ${first.pointer} ${first.message}`,
        {
          eventIndex: result.eventIndex,
          pointers: result.problems.map((p) => p.pointer).join(' '),
          problems: JSON.stringify(result.problems),
        },
      );
    }
    const payload = capturePayload(document);
    if (payload.events.length === 0) throw new ServiceError('epcis.no_events', 'the document has no events');
    let eventIds: string[];
    try {
      eventIds = parseCaptureEvents(payload).map((e) => e.eventId);
    } catch (err) {
      throw err instanceof TxError ? new ServiceError('epcis.invalid', err.message, err.details) : err;
    }
    const tx = this.service.sign('supply.capture', payload);
    if (!this.service.fits(tx)) {
      throw new ServiceError(
        'epcis.document_too_large',
        `the document does not fit one ledger tx (${TX_BYTES_MAX} bytes): split it into smaller documents`,
        { events: payload.events.length },
      );
    }
    try {
      return { eventIds, txHash: this.service.node.submit(tx) };
    } catch (err) {
      if (err instanceof TxError && err.code === 'tx.rejected') this.reportAlert(err);
      throw supplyRefusal(err, 'supply.capture');
    }
  }

  /** Reports the counterfeit signal of a refused capture; never fails the request it came from. */
  private reportAlert(err: TxError): void {
    const reason = err.details.reason;
    const alerting = typeof reason === 'string' ? ALERTING[reason] : undefined;
    const epc = err.details.epc;
    if (alerting === undefined || alerting.effect !== err.details.effect || typeof epc !== 'string') return;
    try {
      this.service.submit(this.service.sign('supply.reportAlert', { kind: alerting.kind, epc }));
    } catch (alertErr) {
      const code = alertErr instanceof Error && 'code' in alertErr ? String(alertErr.code) : 'unknown';
      this.logger.warn({ code, kind: alerting.kind }, 'supply alert was not accepted');
    }
  }
}
