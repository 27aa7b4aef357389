// How many queries counted a genome (issue 19 §5: the patient sees "your genome was counted in N
// queries"): the spends that listed it, and those on every declared set it is a member of.
import { queriesCounted, setMembershipPrefix } from '../../app/genomics/keys.ts';
import type { Ledger } from '../../node/ledger.ts';

/** More sets than a genome is ever in: one is declared each time the countable genomes change. */
const MEMBER_SETS_READ_MAX = 100_000;

export function genomeQueriesCounted(ledger: Ledger, datasetId: string): number {
  const prefix = setMembershipPrefix(datasetId);
  const memberSets = ledger
    .stateByPrefix(prefix, MEMBER_SETS_READ_MAX)
    .map(([key]) => key.slice(prefix.length));
  return queriesCounted(ledger.state, datasetId, memberSets);
}
