// Validator churn for the seeded simulator (issue 15): what a churn seed asks governance to do. A plan is
// a short list of changes, each proposed by one member organisation's admin and passed by the fewest
// yes votes that are more than 2/3 of the members: a new organisation voted in as a validator, a
// validator's power changed, a validator voted out (power 0), a validator's key rotated to a fresh
// one. The plan keeps its own model of the set (plain arithmetic, not the governance code under test),
// so the checks can hold the chain to the sets the votes asked for.
//
// Every change moves less than 1/3 of the power of the set before it, as governance requires. A genesis
// validator whose key leaves the set (voted out, or rotated away) is the "old set": its node turns
// byzantine once it is out (churn.ts) and tries to fork the heights it no longer signs.
import { ADMIN_KEYS, SPARE_KEYS, VALIDATOR_KEYS } from './chain.ts';
import type { Rng } from './prng.ts';

export type ChurnStep =
  /** Organisation `org` (admin ADMIN_KEYS[org]) joins with node key SPARE_KEYS[spare] at `power`. */
  | { readonly kind: 'add'; readonly org: number; readonly spare: number; readonly power: number }
  | { readonly kind: 'remove'; readonly publicKey: string }
  | { readonly kind: 'power'; readonly publicKey: string; readonly power: number }
  | { readonly kind: 'rotate'; readonly publicKey: string; readonly spare: number };

export interface PlannedValidator {
  readonly publicKey: string;
  readonly power: number;
}

export interface ChurnPlan {
  readonly steps: readonly ChurnStep[];
  /** The model's set after each step: sets[0] is genesis', sets[k + 1] the one step k asks for. */
  readonly sets: readonly (readonly PlannedValidator[])[];
  /** Organisations at genesis (org-0 … org-(n-1)); added ones get the next indices. */
  readonly genesisMembers: number;
  /** Spare node keys the plan uses (SPARE_KEYS[0 … spares-1]): each runs a node from the start. */
  readonly spares: number;
  /** Genesis validators whose key leaves the set: their nodes attack once out. */
  readonly oldSet: readonly number[];
  /** Virtual time of the first proposal. */
  readonly startMs: number;
}

/** Indices of organisations added by the plan start here, so their admin keys never clash. */
export const ADDED_ORG_BASE = 10;

export const orgId = (org: number): string => `org-${org}`;

const total = (set: readonly PlannedValidator[]) => set.reduce((sum, v) => sum + v.power, 0);

/** The change from `before` to `after` moves less than 1/3 of before's power (added or taken away). */
export function movesUnderOneThird(
  before: readonly PlannedValidator[],
  after: readonly PlannedValidator[],
): boolean {
  const powerOf = (set: readonly PlannedValidator[]) => new Map(set.map((v) => [v.publicKey, v.power]));
  const [old, next] = [powerOf(before), powerOf(after)];
  let added = 0;
  let removed = 0;
  for (const [key, power] of next) added += Math.max(0, power - (old.get(key) ?? 0));
  for (const [key, power] of old) removed += Math.max(0, power - (next.get(key) ?? 0));
  return Math.max(added, removed) * 3 < total(before);
}

/** The model's set after one step. */
export function applyStep(set: readonly PlannedValidator[], step: ChurnStep): PlannedValidator[] {
  switch (step.kind) {
    case 'add':
      return [...set, { publicKey: SPARE_KEYS[step.spare]!.publicKey, power: step.power }];
    case 'remove':
      return set.filter((v) => v.publicKey !== step.publicKey);
    case 'power':
      return set.map((v) => (v.publicKey === step.publicKey ? { ...v, power: step.power } : v));
    case 'rotate':
      return set.map((v) =>
        v.publicKey === step.publicKey ? { ...v, publicKey: SPARE_KEYS[step.spare]!.publicKey } : v,
      );
  }
}

/** One feasible step of a kind the rng picks, or undefined when none fits the set any more. */
function nextStep(
  rng: Rng,
  set: readonly PlannedValidator[],
  genesisKeys: readonly string[],
  counts: { orgs: number; spares: number },
): ChurnStep | undefined {
  const t = total(set);
  // The old set: only genesis validators leave, so every leaving key has a node from the start.
  const leavable = set.filter((v) => genesisKeys.includes(v.publicKey) && v.power * 3 < t);
  const options: (() => ChurnStep | undefined)[] = [
    () => {
      if (counts.spares >= SPARE_KEYS.length) return undefined;
      const power = rng.range(1, Math.max(1, Math.ceil(t / 3) - 1));
      return { kind: 'add', org: ADDED_ORG_BASE + counts.orgs, spare: counts.spares, power };
    },
    () => {
      const v = set.length > 3 && leavable.length > 0 ? rng.pick(leavable) : undefined;
      return v === undefined ? undefined : { kind: 'remove', publicKey: v.publicKey };
    },
    () => {
      const v = rng.pick(set);
      const power = Math.max(1, v.power + rng.range(-Math.ceil(t / 3) + 1, Math.ceil(t / 3) - 1));
      return power === v.power ? undefined : { kind: 'power', publicKey: v.publicKey, power };
    },
    () => {
      const v = leavable.length > 0 && counts.spares < SPARE_KEYS.length ? rng.pick(leavable) : undefined;
      return v === undefined ? undefined : { kind: 'rotate', publicKey: v.publicKey, spare: counts.spares };
    },
  ];
  for (const option of rng.shuffle(options)) {
    const step = option();
    if (step !== undefined && movesUnderOneThird(set, applyStep(set, step))) return step;
  }
  return undefined;
}

/** A plan of 2 or 3 changes to the genesis set of `powers`. */
export function churnPlanFor(rng: Rng, powers: readonly number[]): ChurnPlan {
  const genesisKeys = powers.map((_, i) => VALIDATOR_KEYS[i]!.publicKey);
  const sets: PlannedValidator[][] = [powers.map((power, i) => ({ publicKey: genesisKeys[i]!, power }))];
  const steps: ChurnStep[] = [];
  const counts = { orgs: 0, spares: 0 };
  const oldSet: number[] = [];
  const length = rng.range(2, 3);
  while (steps.length < length) {
    const set = sets[sets.length - 1]!;
    const step = nextStep(rng, set, genesisKeys, counts);
    if (step === undefined) break;
    if (step.kind === 'add') counts.orgs++;
    if (step.kind === 'add' || step.kind === 'rotate') counts.spares++;
    if (step.kind === 'remove' || step.kind === 'rotate') oldSet.push(genesisKeys.indexOf(step.publicKey));
    steps.push(step);
    sets.push(applyStep(set, step));
  }
  return {
    steps,
    sets,
    genesisMembers: powers.length,
    spares: counts.spares,
    oldSet,
    startMs: rng.range(100, 800),
  };
}

/** The admin key of organisation `org` (a genesis member's, or one the plan added). */
export function adminOf(org: number) {
  return ADMIN_KEYS[org]!;
}
