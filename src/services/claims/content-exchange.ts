// A claim's content goes from the provider's node to the payer's over the node-to-node channel (mutual
// TLS, keys pinned to genesis, as forwarded reads go: services/records/forwarding.ts), never over the
// chain. The payer's node asks; the provider's node answers only a node of the payer the claim was sent
// to, with the content sealed to that node's key (node/claims/claim-documents.ts). The payer's node
// then checks it against the commitment the provider put on chain, so a provider cannot show the payer
// anything but what it committed to.
import { claimEntry, type ClaimEntry, type ClaimFacts } from '../../app/claims/index.ts';
import { actorOf } from '../../app/membership/queries.ts';
import { askOrganisation } from '../ask-organisation.ts';
import { isHex } from '../../core/bytes.ts';
import type { CanonicalValue } from '../../core/canonical.ts';
import {
  openClaimDocument,
  sealClaimDocument,
  sealedFromHex,
  sealedToHex,
  type ClaimDocumentStore,
  type SealedDocumentHex,
} from '../../node/claims/claim-documents.ts';
import type { CarechainNode } from '../../node/node.ts';
import { ServiceError } from '../errors.ts';
import { claimContentCommitment } from './commitment.ts';

/** The node-to-node request a payer's node sends a provider's node for one claim's content. */
export const CLAIM_CONTENT_METHOD = 'claims.content';

/** What the provider's staff submitted, as the provider's node keeps it and the payer receives it. */
export interface ClaimContent {
  readonly payerOrgId: string;
  readonly patientPseudonym: string;
  readonly facts: ClaimFacts;
  readonly lines: readonly { sequence: number; documentation: readonly object[] }[];
}

/** The content and the salt of its commitment: what the payer needs to check it against the chain. */
export interface DisclosedContent {
  readonly content: ClaimContent;
  readonly salt: string;
}

/** Whether `disclosed` is what the claim's commitment on chain binds. */
export function contentMatches(claim: ClaimEntry, disclosed: DisclosedContent): boolean {
  const { content, salt } = disclosed;
  return (
    typeof salt === 'string' &&
    typeof content === 'object' &&
    content !== null &&
    claimContentCommitment(salt, content as unknown as CanonicalValue) === claim.commitment
  );
}

/**
 * Provider side: the sealed content of a claim this node's organisation submitted, for a node of the
 * claim's payer only. Anything else is refused with a message that names no content.
 */
export function serveClaimContent(
  node: CarechainNode,
  documents: ClaimDocumentStore,
  fromNodeKey: string,
  params: unknown,
): { sealed: SealedDocumentHex } {
  const claimId = (params as { claimId?: unknown } | null)?.claimId;
  if (!isHex(claimId, 32)) throw new Error('claimId must be 32-byte hex');
  const state = node.ledger.state;
  const claim = claimEntry(state, claimId);
  const self = actorOf(state, node.key.publicKey);
  const peer = actorOf(state, fromNodeKey);
  if (
    claim === undefined ||
    self.kind !== 'node' ||
    claim.providerOrgId !== self.orgId ||
    peer.kind !== 'node' ||
    peer.orgId !== claim.payerOrgId
  ) {
    throw new Error('no claim of this organisation was sent to yours under this id');
  }
  const stored = documents.get(claimId, 'content');
  if (stored === undefined) throw new Error('this node does not hold the claim’s content');
  const sealed = sealClaimDocument(node.ledger.chainId, claimId, 'content', stored.document, fromNodeKey);
  return { sealed: sealedToHex(sealed) };
}

/**
 * Payer side: the claim's content, from this node's store or else asked of the provider's nodes in turn,
 * checked against the commitment on chain and then kept here. A provider that does not answer, or answers
 * something the commitment does not bind, is a refusal the payer's staff can retry later.
 */
export async function claimContentAtPayer(
  node: CarechainNode,
  documents: ClaimDocumentStore,
  claim: ClaimEntry,
): Promise<ClaimContent> {
  const kept = documents.get(claim.claimId, 'content')?.document as DisclosedContent | undefined;
  if (kept !== undefined && contentMatches(claim, kept)) return kept.content;
  const unavailable = new ServiceError(
    'claims.unavailable',
    'the provider’s node did not send the claim’s content',
    { providerOrgId: claim.providerOrgId },
  );
  // A node that is down, refuses, or answers something that does not open passes to the next one.
  const disclosed = await askOrganisation(
    node,
    claim.providerOrgId,
    CLAIM_CONTENT_METHOD,
    { claimId: claim.claimId },
    (answer) => {
      const sealed = sealedFromHex((answer as { sealed?: unknown } | null)?.sealed);
      if (sealed === undefined) return undefined;
      return openClaimDocument(
        node.ledger.chainId,
        claim.claimId,
        'content',
        sealed,
        node.key,
      ) as DisclosedContent;
    },
  );
  if (disclosed === undefined) throw unavailable;
  if (!contentMatches(claim, disclosed)) {
    throw new ServiceError(
      'claims.content_mismatch',
      'the provider answered content its commitment on chain does not bind',
    );
  }
  documents.put({
    claimId: claim.claimId,
    kind: 'content',
    patientPseudonym: claim.patientPseudonym,
    digest: claim.commitment,
    createdAtMs: node.ledger.tip().timeMs,
    document: disclosed,
  });
  return disclosed.content;
}
