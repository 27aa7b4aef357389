// A patient's EOBs from their insurers' nodes (issue 17 §6), for a patient signed in anywhere: a payer's
// node keeps the EOBs it wrote, and the patient's own node asks each member insurer's node for theirs
// over the node-to-node channel (mutual TLS, keys pinned to genesis), as a patient's $everything fans out
// to their other custodians (services/records/everything.ts). The payer's node does not take the asking
// node's word about who asks: it checks the patient's own signed delegation to that node (the one their
// token carries since sign-in) and answers only that patient's EOBs whose adjudication its chain carries,
// sealed to the asking node's key. The asking node shows an EOB only when its own copy of the chain
// carries that claim's adjudication, for this patient, by that payer.
import type { ExplanationOfBenefit } from 'fhir/r4.js';
import { claimEntry, type ClaimEntry } from '../../app/claims/index.ts';
import { actorOf, organisation, organisationIds } from '../../app/membership/queries.ts';
import { askOrganisation } from '../ask-organisation.ts';
import type { StateReader } from '../../app/state.ts';
import {
  openClaimDocument,
  sealClaimDocument,
  sealedFromHex,
  sealedToHex,
  type ClaimDocument,
  type ClaimDocumentStore,
  type SealedDocumentHex,
} from '../../node/claims/claim-documents.ts';
import type { CarechainNode } from '../../node/node.ts';
import { authorize, type Caller } from '../auth/caller.ts';
import { checkPatientDelegation } from '../auth/delegation.ts';
import { formatScopes, scopesOf } from '../auth/scopes.ts';

/** The node-to-node request a patient's node sends a payer's node for the patient's EOBs. */
export const PATIENT_EOBS_METHOD = 'claims.patientEobs';
/** Most EOBs one payer's node answers at once (the newest). */
export const FORWARDED_EOBS_MAX = 100;

/** An EOB as kept, with the claim its adjudication is on chain for. */
export interface ShownEob {
  readonly claim: ClaimEntry;
  readonly eob: ExplanationOfBenefit;
}

/** This node's EOBs about the pseudonym whose adjudication digest the chain carries, newest first. */
export function adjudicatedEobs(
  state: StateReader,
  documents: ClaimDocumentStore,
  pseudonym: string,
): { doc: ClaimDocument; claim: ClaimEntry }[] {
  return documents
    .listByPatient(pseudonym, 'eob')
    .flatMap((doc) => {
      const claim = claimEntry(state, doc.claimId);
      return claim?.adjudication?.digest === doc.digest ? [{ doc, claim }] : [];
    })
    .sort((a, b) => b.claim.adjudication!.timeMs - a.claim.adjudication!.timeMs);
}

/**
 * Payer side: the EOBs of the patient (or proxy) whose signed delegation names the asking node, sealed to
 * that node's key. A refusal names no EOB.
 */
export function servePatientEobs(
  node: CarechainNode,
  documents: ClaimDocumentStore,
  nowMs: number,
  fromNodeKey: string,
  params: unknown,
): { eobs: { claimId: string; sealed: SealedDocumentHex }[] } {
  const state = node.ledger.state;
  const claimed = (params ?? {}) as { publicKey?: unknown; scopes?: unknown; delegation?: unknown };
  const publicKey = String(claimed.publicKey);
  const actor = actorOf(state, publicKey);
  if (actorOf(state, fromNodeKey).kind !== 'node' || (actor.kind !== 'patient' && actor.kind !== 'proxy')) {
    throw new Error('only a member node asks, for a patient or proxy');
  }
  const scopes = scopesOf(String(claimed.scopes));
  const { chainId } = node.ledger;
  const expect = { chainId, nodeKey: fromNodeKey, nowMs, practitionerKey: publicKey, scopes };
  checkPatientDelegation(state, claimed.delegation, { ...expect, pseudonym: actor.pseudonym });
  authorize(
    { kind: 'patient', publicKey, pseudonym: actor.pseudonym, scopes, context: 'patient' },
    'ExplanationOfBenefit',
    'r',
  );
  const eobs = adjudicatedEobs(state, documents, actor.pseudonym)
    .slice(0, FORWARDED_EOBS_MAX)
    .map(({ doc }) => ({
      claimId: doc.claimId,
      sealed: sealedToHex(sealClaimDocument(chainId, doc.claimId, 'eob', doc.document, fromNodeKey)),
    }));
  return { eobs };
}

/**
 * Patient side: the EOBs every other member insurer's node holds for the caller, each shown only if this
 * node's chain carries its claim's adjudication for this patient by that payer. A payer's node that is
 * down or refuses adds nothing; a caller without a signed delegation (a token a node issued on an
 * admin's say) gets only this node's own.
 */
export async function eobsFromPayers(node: CarechainNode, who: Caller): Promise<ShownEob[]> {
  const network = node.network;
  if (who.kind === 'practitioner' || who.delegation === undefined || network === undefined) return [];
  const state = node.ledger.state;
  const self = actorOf(state, node.key.publicKey);
  const payers = organisationIds(state).filter(
    (id) => organisation(state, id)?.type === 'insurer' && (self.kind !== 'node' || self.orgId !== id),
  );
  const params = { publicKey: who.publicKey, scopes: formatScopes(who.scopes), delegation: who.delegation };
  const answers = await Promise.all(
    payers.map(
      async (payerOrgId) =>
        (await askOrganisation(node, payerOrgId, PATIENT_EOBS_METHOD, params, (answer) => {
          const { eobs } = (answer ?? {}) as { eobs?: unknown };
          if (!Array.isArray(eobs)) return undefined;
          return eobs.flatMap((e: unknown) => openedEob(node, who.pseudonym, payerOrgId, e));
        })) ?? [],
    ),
  );
  return answers.flat();
}

/** One forwarded EOB, opened and checked against this node's chain; nothing if it does not hold. */
function openedEob(node: CarechainNode, pseudonym: string, payerOrgId: string, item: unknown): ShownEob[] {
  const { claimId, sealed } = (item ?? {}) as { claimId?: unknown; sealed?: unknown };
  if (typeof claimId !== 'string') return [];
  const claim = claimEntry(node.ledger.state, claimId);
  const envelope = sealedFromHex(sealed);
  if (
    claim === undefined ||
    claim.adjudication === null ||
    claim.patientPseudonym !== pseudonym ||
    claim.payerOrgId !== payerOrgId ||
    envelope === undefined
  ) {
    return [];
  }
  try {
    const eob = openClaimDocument(
      node.ledger.chainId,
      claimId,
      'eob',
      envelope,
      node.key,
    ) as ExplanationOfBenefit;
    return eob?.resourceType === 'ExplanationOfBenefit' && eob.id === claimId ? [{ claim, eob }] : [];
  } catch {
    return [];
  }
}
