// The signed proposal ⟨PROPOSAL, h, r, v, vr⟩ of Algorithm 1 line 19. It names the block by hash; the
// block itself travels beside it, and the receiver recomputes the hash from the block's content.
import { canonicalBytes } from './canonical.ts';
import { fromHex, isHex, toHex } from './bytes.ts';
import { signMessage, verifyMessage } from './crypto/index.ts';

export interface ProposalBody {
  readonly height: number;
  readonly round: number;
  /** The paper's vr (validRound): -1 for a fresh block, else the round whose prevotes justify it. */
  readonly polRound: number;
  readonly blockHash: string;
  /** The proposer's Ed25519 public key, hex. */
  readonly proposer: string;
}

export interface Proposal extends ProposalBody {
  readonly signature: string;
}

export function proposalSigningMessage(body: ProposalBody): Uint8Array {
  return canonicalBytes({
    height: body.height,
    round: body.round,
    polRound: body.polRound,
    blockHash: body.blockHash,
    proposer: body.proposer,
  });
}

export function signProposal(chainId: string, seed: Uint8Array, body: ProposalBody): Proposal {
  const signature = signMessage(seed, 'proposal', chainId, proposalSigningMessage(body));
  return { ...body, signature: toHex(signature) };
}

/** True when the fields are well formed and the signature is the proposer's; never throws. */
export function verifyProposalSignature(chainId: string, proposal: Proposal): boolean {
  if (!isProposalShape(proposal)) return false;
  return verifyMessage(
    fromHex(proposal.proposer),
    'proposal',
    chainId,
    proposalSigningMessage(proposal),
    fromHex(proposal.signature),
  );
}

function isRound(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** Shape checks for data that came off the wire, so no malformed field reaches canonical encoding. */
export function isProposalShape(p: Proposal): boolean {
  return (
    Number.isSafeInteger(p.height) &&
    p.height >= 1 &&
    isRound(p.round) &&
    Number.isSafeInteger(p.polRound) &&
    // Algorithm 1 line 28 only accepts vr < r; a vr of r or more can justify nothing.
    (p.polRound === -1 || (p.polRound >= 0 && p.polRound < p.round)) &&
    isHex(p.blockHash, 32) &&
    isHex(p.proposer, 32) &&
    isHex(p.signature, 64)
  );
}
