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
import { CallerStreams, type Addressed } from '../live/caller-streams.ts';

/** Who an event is for. */
export type Audience =
  | { readonly kind: 'patient'; readonly pseudonym: string }
  | { readonly kind: 'practitioner'; readonly key: string }
  | { readonly kind: 'grantee'; readonly grantee: Grantee };

export type AddressedEvent = Addressed<ConsentEvent, Audience>;

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

export { STREAMS_PER_CALLER_MAX } from '../live/caller-streams.ts';

/** The open per-caller consent streams (live/caller-streams.ts), each getting the events that concern it. */
export class ConsentStreams extends CallerStreams<ConsentEvent, Audience> {
  constructor(totalMax: number) {
    super(totalMax, concerns);
  }
}
