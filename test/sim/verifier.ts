// A signature verifier that remembers verdicts. Ed25519 verification is deterministic, so a verdict can
// be shared by every simulated node (a real node caches the same way, by message and signature); it
// makes hundreds of seeds affordable without changing any outcome.
import { verifyVoteSignature, type Vote } from '../../src/core/vote.ts';
import { verifyProposalSignature, type Proposal, type Verifier } from '../../src/consensus/index.ts';

const ENTRIES_MAX = 200_000;

export class CachedVerifier implements Verifier {
  private readonly verdicts = new Map<string, boolean>();
  hits = 0;
  misses = 0;

  private remember(key: string, check: () => boolean): boolean {
    const known = this.verdicts.get(key);
    if (known !== undefined) {
      this.hits++;
      return known;
    }
    this.misses++;
    const verdict = check();
    if (this.verdicts.size >= ENTRIES_MAX) this.verdicts.clear();
    this.verdicts.set(key, verdict);
    return verdict;
  }

  vote(chainId: string, v: Vote): boolean {
    const key = `v|${chainId}|${v.type}|${v.height}|${v.round}|${v.blockHash}|${v.timeMs}|${v.validator}|${v.signature}`;
    return this.remember(key, () => verifyVoteSignature(chainId, v));
  }

  proposal(chainId: string, p: Proposal): boolean {
    const key = `p|${chainId}|${p.height}|${p.round}|${p.polRound}|${p.blockHash}|${p.proposer}|${p.signature}`;
    return this.remember(key, () => verifyProposalSignature(chainId, p));
  }
}
