// GET /api/v1/units/:sgtin/pedigree: a unit's whole history, each event with the tx that recorded it and
// that tx's RFC 9162 inclusion proof against one checkpoint (the latest), so a client checks every step
// against validator signatures it trusts through genesis alone (docs/SUPPLY.md shows how). An event that an
// error declaration (EPCIS 2.0 §7.4.1.2) names is marked declaredInError, with the declaration's reason and
// corrective eventIDs, so the trace shows the corrected history; the declaration is listed as an event too.
import { ServiceError } from '../errors.ts';
import {
  errorDeclarationAbout,
  eventsAbout,
  product,
  resolveId,
  unit,
  type StoredEvent,
} from '../../app/supply/index.ts';
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
  readonly errorDeclaration: boolean;
  readonly declaredInError: DeclaredInError | null;
  readonly proof: { leafIndex: number; treeSize: number; leafHash: string; auditPath: string[] };
}

export interface DeclaredInError {
  readonly declarationSeq: number;
  readonly declaredByOrgId: string;
  readonly declarationTime: string;
  readonly reason: string | null;
  readonly correctiveEventIds: readonly string[];
}

/** The declaration about an ordinary event, as the trace shows it (the module checked its fields). */
function declaredInError(state: CarechainNode['ledger']['state'], e: StoredEvent): DeclaredInError | null {
  if (e.errorDeclaration) return null;
  const declaration = errorDeclarationAbout(state, e.eventId);
  if (declaration === undefined) return null;
  const fields = (JSON.parse(declaration.text) as { errorDeclaration: Record<string, unknown> })
    .errorDeclaration;
  return {
    declarationSeq: declaration.seq,
    declaredByOrgId: declaration.recordedByOrgId,
    declarationTime: fields.declarationTime as string,
    reason: typeof fields.reason === 'string' ? fields.reason : null,
    correctiveEventIds: (fields.correctiveEventIDs as string[] | undefined) ?? [],
  };
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
      errorDeclaration: e.errorDeclaration,
      declaredInError: declaredInError(state, e),
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
