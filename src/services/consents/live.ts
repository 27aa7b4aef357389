// Live consent events, each for the callers it concerns (issue 14, the consent loop closed): after every
// committed block the consent txs in it are read back against committed state and addressed: a request
// to the patient it names, an answer to the practitioner who asked, a grant or revocation to the patient
// and to the practitioners its grantee covers. An event says what happened and in which tx, never whose
// records or which kinds (contract ConsentEvent): the app then refetches the consent views with the
// caller's own token, so a stream tells its caller nothing those routes would not.
import { consentRecord, consentRequest, granteeCovers, type Grantee } from '../../app/consent/index.ts';
import { patientActingAs } from '../../app/membership/queries.ts';
import type { StateReader } from '../../app/state.ts';
import type { ConsentEvent } from '../../contract/consents.ts';
import type { SignedTx } from '../../core/tx.ts';
import type { Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';

/** Who an event is for. */
export type Audience =
  | { readonly kind: 'patient'; readonly pseudonym: string }
  | { readonly kind: 'practitioner'; readonly key: string }
  | { readonly kind: 'grantee'; readonly grantee: Grantee };

export interface AddressedEvent {
  readonly to: readonly Audience[];
  readonly event: ConsentEvent;
}

interface CommittedTx {
  readonly hash: string;
  readonly height: number;
  readonly tx: SignedTx;
}

const field = (payload: unknown, name: string): string | undefined => {
  const value = (payload as Record<string, unknown> | null)?.[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * The consent events of one block's txs, as committed state records them. A tx that state does not
 * show as applied (refused, or another signer's record under that id) yields nothing.
 */
export function consentEventsOf(state: StateReader, txs: readonly CommittedTx[]): AddressedEvent[] {
  const events: AddressedEvent[] = [];
  for (const { hash: txHash, height, tx } of txs) {
    if (!tx.type.startsWith('consent.')) continue;
    if (tx.type === 'consent.request') {
      const pseudonym = field(tx.payload, 'patientPseudonym');
      const requestId = field(tx.payload, 'requestId');
      if (pseudonym === undefined || requestId === undefined) continue;
      const request = consentRequest(state, pseudonym, requestId);
      if (request?.requester.key !== tx.signer || request.height !== height) continue;
      const event: ConsentEvent = { kind: 'consent.requested', txHash, height, requestId };
      events.push({ to: [{ kind: 'patient', pseudonym }], event });
      continue;
    }
    const pseudonym = patientActingAs(state, tx.signer);
    if (pseudonym === undefined) continue;
    const patient: Audience = { kind: 'patient', pseudonym };
    if (tx.type === 'consent.respond') {
      const requestId = field(tx.payload, 'requestId');
      const request = requestId === undefined ? undefined : consentRequest(state, pseudonym, requestId);
      if (request === undefined || request.respondedAtHeight !== height) continue;
      const asker: Audience = { kind: 'practitioner', key: request.requester.key };
      events.push({ to: [patient, asker], event: { kind: 'consent.answered', txHash, height, requestId } });
      continue;
    }
    const consentId = field(tx.payload, 'consentId');
    const consent = consentId === undefined ? undefined : consentRecord(state, pseudonym, consentId);
    if (consent === undefined) continue;
    const covered: Audience = { kind: 'grantee', grantee: consent.grantee };
    if (tx.type === 'consent.grant' && consent.height === height) {
      events.push({ to: [patient, covered], event: { kind: 'consent.granted', txHash, height, consentId } });
    } else if (tx.type === 'consent.revoke' && consent.revokedAtHeight === height) {
      events.push({ to: [patient, covered], event: { kind: 'consent.revoked', txHash, height, consentId } });
    }
  }
  return events;
}

/** Whether `caller` is in `audience`: the patient (or their proxy), the practitioner, or one the grantee covers. */
export function concerns(audience: Audience, caller: Caller): boolean {
  switch (audience.kind) {
    case 'patient':
      return caller.kind !== 'practitioner' && caller.pseudonym === audience.pseudonym;
    case 'practitioner':
      return caller.kind === 'practitioner' && caller.publicKey === audience.key;
    case 'grantee':
      return (
        caller.kind === 'practitioner' &&
        granteeCovers(audience.grantee, { key: caller.publicKey, orgId: caller.orgId, role: caller.role })
      );
  }
}

/** Most event streams one caller (one key) may hold open at once: a few tabs, not a flood. */
export const STREAMS_PER_CALLER_MAX = 4;

interface Subscriber {
  readonly caller: Caller;
  readonly send: (event: ConsentEvent) => void;
}

/**
 * The open per-caller streams and the fan-out of each block's events to them. Bounded per caller
 * (STREAMS_PER_CALLER_MAX) and in all (`totalMax`): the next one is refused with 'events.too_many_streams'.
 */
export class ConsentStreams {
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly totalMax: number) {}

  get size(): number {
    return this.subscribers.size;
  }

  /** Adds a stream for `caller`; returns the function that removes it. */
  open(caller: Caller, send: (event: ConsentEvent) => void): () => void {
    const mine = [...this.subscribers].filter((s) => s.caller.publicKey === caller.publicKey).length;
    if (mine >= STREAMS_PER_CALLER_MAX || this.subscribers.size >= this.totalMax) {
      throw new ServiceError('events.too_many_streams', 'too many event streams; retry later');
    }
    const subscriber: Subscriber = { caller, send };
    this.subscribers.add(subscriber);
    return () => void this.subscribers.delete(subscriber);
  }

  /** Sends each event to every open stream it concerns; `read` is only called when a stream is open. */
  publish(read: () => AddressedEvent[]): void {
    if (this.subscribers.size === 0) return;
    for (const { to, event } of read()) {
      for (const s of this.subscribers) if (to.some((a) => concerns(a, s.caller))) s.send(event);
    }
  }
}
