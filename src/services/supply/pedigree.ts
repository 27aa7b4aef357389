// GET /api/v1/units/:sgtin/pedigree: a unit's whole history, each event with the tx that recorded it and
// that tx's RFC 9162 inclusion proof against one checkpoint (the latest), so a client checks every step
// against validator signatures it trusts through genesis alone (docs/SUPPLY.md shows how).
import { ServiceError } from '../errors.ts';
import { eventsAbout, product, resolveId, unit, type StoredEvent } from '../../app/supply/index.ts';
import { checkpointAt, proveInclusion, type Checkpoint } from '../../node/proofs.ts';
import type { CarechainNode } from '../../node/node.ts';

export interface PedigreeEvent {
  readonly seq: number;
  readonly eventId: string;
  readonly captureId: number;
  readonly recordedByOrgId: string;
  readonly txHash: string;
  readonly height: number;
  readonly event: unknown;
  readonly proof: { leafIndex: number; treeSize: number; leafHash: string; auditPath: string[] };
}

/** The canonical SGTIN of a path segment (URL-decoded EPC URN or Digital Link), or a 400. */
export function sgtinParam(text: string): string {
  const { canonical, key } = resolveId(text);
  if (key?.kind !== 'sgtin') {
    throw new ServiceError(
      'supply.invalid_sgtin',
      'name the unit by its SGTIN: an EPC URN or a GS1 Digital Link',
    );
  }
  return canonical;
}

export function pedigree(node: CarechainNode, epc: string, offset: number, limit: number) {
  const state = node.ledger.state;
  const found = unit(state, epc);
  const page = eventsAbout(state, epc, offset, limit);
  if (found === undefined && page.total === 0) {
    throw new ServiceError('supply.unit_not_found', 'no event names this unit');
  }
  const checkpoint: Checkpoint = checkpointAt(node.ledger);
  const events: PedigreeEvent[] = page.items.map((e: StoredEvent) => {
    const { leafIndex, treeSize, leafHash, auditPath } = proveInclusion(
      node.ledger,
      e.txHash,
      checkpoint.height,
    );
    return {
      seq: e.seq,
      eventId: e.eventId,
      captureId: e.captureId,
      recordedByOrgId: e.recordedByOrgId,
      txHash: e.txHash,
      height: e.height,
      event: JSON.parse(e.text) as unknown,
      proof: { leafIndex, treeSize, leafHash, auditPath },
    };
  });
  return {
    epc,
    unit: found ?? null,
    product: found === undefined ? null : (product(state, found.gtin) ?? null),
    total: page.total,
    checkpoint,
    events,
  };
}
