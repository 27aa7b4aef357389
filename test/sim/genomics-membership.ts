// A seeded simulation of the Shringarpure–Bustamante membership attack on a beacon network (issue 19
// "Done when": the budget holds across beacons). The attacker knows a person's genome and public allele
// frequencies, asks the network's member beacons about the person's alleles (each answer aggregated over
// the whole network, as the fan-out does), and sums the log-likelihood ratio of the answers; it declares
// "in the network" at 95% (LLR >= log2 19 bits). Budgets are priced by queryInformationBits.
import {
  answerOdds,
  binomialTailAtLeast,
  queryInformationBits,
  spendBudget,
} from '../../src/app/genomics/budget.ts';
import { Rng } from './prng.ts';

export interface AttackConfig {
  readonly seed: number;
  readonly individuals: number;
  readonly beacons: number;
  /** Low-count threshold: a beacon says yes only when at least this many people carry the allele. */
  readonly threshold: number;
  /** Budget per researcher identity; per beacon when `sharedBudget` is false. Infinity for none. */
  readonly budgetBits: number;
  readonly sharedBudget: boolean;
  readonly targets: number;
  /** How many of the target's variant alleles the attacker may ask about (S–B used about 5,000). */
  readonly sites: number;
  /** The population the allele frequencies come from: the rarest allele is a singleton in it. */
  readonly population: number;
}

export interface AttackOutcome {
  /** Share of people in the network the attacker correctly declared members. */
  readonly detectionRate: number;
  /** Share of people not in the network wrongly declared members. */
  readonly falsePositiveRate: number;
  readonly meanQueriesAnswered: number;
  readonly meanQueriesRefused: number;
}

export const DECISION_BITS = Math.log2(19);

/**
 * The frequency of an allele a person carries: sites follow the neutral spectrum's 1/f density, and a
 * person carries one with probability 1 - (1 - f)^2, so carried alleles have density (2 - f) on
 * [1 / (2 · population), 0.5] (drawn by rejection).
 */
function carriedFrequency(rng: Rng, population: number): number {
  const low = 1 / (2 * population);
  for (;;) {
    const f = low + rng.float() * (0.5 - low);
    if (rng.chance((2 - f) / 2)) return f;
  }
}

function attackOne(rng: Rng, config: AttackConfig, member: boolean) {
  const carried: number[] = [];
  for (let i = 0; i < config.sites; i += 1) carried.push(carriedFrequency(rng, config.population));
  carried.sort((a, b) => a - b); // rarest first: the most evidence per query
  const spent = new Array<number>(config.sharedBudget ? 1 : config.beacons).fill(0);
  let llr = 0;
  let answered = 0;
  let refused = 0;
  for (const [index, f] of carried.entries()) {
    const ledger = config.sharedBudget ? 0 : index % config.beacons; // spread over the member beacons
    const price = queryInformationBits(f, config.individuals, config.threshold);
    const verdict = spendBudget(spent[ledger]!, price, config.budgetBits);
    if (!verdict.allowed) {
      refused += 1;
      continue;
    }
    spent[ledger] = verdict.spentBits;
    answered += 1;
    const carrier = 1 - (1 - f) ** 2;
    const present = member ? 1 : rng.chance(carrier) ? 1 : 0;
    const yes = rng.chance(binomialTailAtLeast(config.individuals - 1, carrier, config.threshold - present));
    const { pIn, pOut } = answerOdds(f, config.individuals, config.threshold);
    llr += yes ? Math.log2(pIn / pOut) : Math.log2((1 - pIn) / (1 - pOut));
    if (llr >= DECISION_BITS) return { declared: true, answered, refused };
  }
  return { declared: false, answered, refused };
}

export function simulateMembershipAttack(config: AttackConfig): AttackOutcome {
  const rng = new Rng(config.seed);
  let detected = 0;
  let falsePositives = 0;
  let answered = 0;
  let refused = 0;
  for (let t = 0; t < config.targets; t += 1) {
    const inside = attackOne(rng, config, true);
    const outside = attackOne(rng, config, false);
    if (inside.declared) detected += 1;
    if (outside.declared) falsePositives += 1;
    answered += inside.answered;
    refused += inside.refused;
  }
  return {
    detectionRate: detected / config.targets,
    falsePositiveRate: falsePositives / config.targets,
    meanQueriesAnswered: answered / config.targets,
    meanQueriesRefused: refused / config.targets,
  };
}
