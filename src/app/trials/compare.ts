// The COMPare check (issue 16 §6): each reported outcome against the outcomes registered before
// enrolment. COMPare found trials in top journals silently adding 5.4 outcomes on average and dropping
// pre-specified ones; this makes each case a verdict, and every verdict about a registered outcome
// carries its Merkle proof to the registration's outcome root (./outcome-tree.ts).
//
// Matching: an explicit link from the sponsor wins; otherwise the normalised measure text must agree.
// Exact matches (measure, kind and time frame) are paired first, so two reported outcomes sharing a
// measure at different time frames pair with the right registered ones. A reworded measure then pairs by
// similarity: Levenshtein distance over the normalised text, at least SIMILARITY_MIN of the longer one
// unchanged, best pairs first (ties by registration, then report order, so every node pairs alike).
import { distance } from 'fastest-levenshtein';
import type { InclusionProofHex } from '../../core/merkle/index.ts';
import { CoreError } from '../../core/errors.ts';
import { outcomeProof, outcomesRoot } from './outcome-tree.ts';
import type { RegisteredOutcome, ReportedOutcome } from './types.ts';

export type OutcomeVerdict = 'prespecified' | 'not_reported' | 'added' | 'timeframe_changed' | 'switched';

/** What differs between a registered outcome and the reported one it was paired with. */
export type OutcomeChange = 'time_frame' | 'primary_secondary';

export interface OutcomeVerdictEntry {
  readonly verdict: OutcomeVerdict;
  readonly changes: readonly OutcomeChange[];
  readonly registered?: RegisteredOutcome;
  readonly reported?: ReportedOutcome;
  /** How the pair was made: the sponsor's recorded link, equal measure text, or similar measure text. */
  readonly matchedBy?: MatchedBy;
  readonly proof?: InclusionProofHex;
}

export interface OutcomeComparison {
  readonly outcomesRoot: string;
  readonly outcomes: readonly OutcomeVerdictEntry[];
}

/** Case, punctuation and spacing do not make a different outcome. */
export function normaliseOutcomeText(value: string): string {
  return value
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export type MatchedBy = 'link' | 'text' | 'similar';

interface Pair {
  readonly registered: number;
  readonly reported: number;
  readonly matchedBy: MatchedBy;
}

/** How much of the longer normalised measure must survive a rewording for two measures to pair. */
export const SIMILARITY_MIN = 0.8;
/** Longer measures are compared only exactly: the edit distance is quadratic, and it runs on chain. */
export const SIMILARITY_TEXT_MAX = 400;

/** 1 − distance / longer length over the normalised texts; 0 when either is too long to compare. */
export function measureSimilarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  if (longer > SIMILARITY_TEXT_MAX) return a === b ? 1 : 0;
  // The distance is at least the length difference: skip pairs that cannot reach the threshold.
  if (Math.abs(a.length - b.length) / longer > 1 - SIMILARITY_MIN) return 0;
  return 1 - distance(a, b) / longer;
}

/** Pairs reported with registered outcomes: links, then exact matches, then measure-only matches. */
function pairOutcomes(
  registered: readonly RegisteredOutcome[],
  reported: readonly ReportedOutcome[],
): Pair[] {
  const measures = registered.map((o) => normaliseOutcomeText(o.measure));
  const taken = new Set<number>();
  const paired = new Set<number>();
  const pairs: Pair[] = [];
  const pair = (r: number, p: number, matchedBy: Pair['matchedBy']): void => {
    taken.add(r);
    paired.add(p);
    pairs.push({ registered: r, reported: p, matchedBy });
  };
  for (const [p, outcome] of reported.entries()) {
    if (outcome.registeredMeasure === undefined) continue;
    const link = normaliseOutcomeText(outcome.registeredMeasure);
    const r = measures.findIndex((m, i) => m === link && !taken.has(i));
    if (r < 0) {
      throw new CoreError('trials.unknown_outcome', 'a reported outcome links to no registered outcome', {
        position: p,
      });
    }
    pair(r, p, 'link');
  }
  const sameTimeFrame = (r: number, p: number): boolean =>
    normaliseOutcomeText(registered[r]!.timeFrame) === normaliseOutcomeText(reported[p]!.timeFrame);
  const passes: ((r: number, p: number) => boolean)[] = [
    (r, p) => registered[r]!.kind === reported[p]!.kind && sameTimeFrame(r, p),
    () => true,
  ];
  for (const accept of passes) {
    for (const [p, outcome] of reported.entries()) {
      if (paired.has(p)) continue;
      const measure = normaliseOutcomeText(outcome.measure);
      const r = measures.findIndex((m, i) => m === measure && !taken.has(i) && accept(i, p));
      if (r >= 0) pair(r, p, 'text');
    }
  }
  for (const candidate of similarCandidates(measures, reported, taken, paired)) {
    if (taken.has(candidate.registered) || paired.has(candidate.reported)) continue;
    pair(candidate.registered, candidate.reported, 'similar');
  }
  return pairs;
}

/** Every unpaired (registered, reported) pair similar enough, best first, ties in list order. */
function similarCandidates(
  measures: readonly string[],
  reported: readonly ReportedOutcome[],
  taken: ReadonlySet<number>,
  paired: ReadonlySet<number>,
): { registered: number; reported: number; score: number }[] {
  const candidates: { registered: number; reported: number; score: number }[] = [];
  for (const [p, outcome] of reported.entries()) {
    if (paired.has(p)) continue;
    const measure = normaliseOutcomeText(outcome.measure);
    for (const [r, registered] of measures.entries()) {
      if (taken.has(r)) continue;
      const score = measureSimilarity(registered, measure);
      if (score >= SIMILARITY_MIN) candidates.push({ registered: r, reported: p, score });
    }
  }
  return candidates.sort(
    (a, b) => b.score - a.score || a.registered - b.registered || a.reported - b.reported,
  );
}

function changesBetween(registered: RegisteredOutcome, reported: ReportedOutcome): OutcomeChange[] {
  const changes: OutcomeChange[] = [];
  if (normaliseOutcomeText(registered.timeFrame) !== normaliseOutcomeText(reported.timeFrame)) {
    changes.push('time_frame');
  }
  if (registered.kind !== reported.kind) changes.push('primary_secondary');
  return changes;
}

/** A switch between primary and secondary is the graver change, so it names the verdict. */
function verdictFor(changes: readonly OutcomeChange[]): OutcomeVerdict {
  if (changes.includes('primary_secondary')) return 'switched';
  if (changes.includes('time_frame')) return 'timeframe_changed';
  return 'prespecified';
}

/**
 * One entry per registered outcome (in registration order: prespecified, changed or not_reported), then
 * one per reported outcome that matched nothing (added). Throws trials.unknown_outcome for a link to a
 * registered outcome that does not exist or is already paired, trials.duplicate_outcome for a registration
 * listing one outcome twice.
 */
export function compareOutcomes(
  registered: readonly RegisteredOutcome[],
  reported: readonly ReportedOutcome[],
): OutcomeComparison {
  const root = outcomesRoot(registered);
  const pairs = pairOutcomes(registered, reported);
  const byRegistered = new Map(pairs.map((p) => [p.registered, p]));
  const paired = new Set(pairs.map((p) => p.reported));
  const entries: OutcomeVerdictEntry[] = registered.map((outcome, r) => {
    const proof = outcomeProof(registered, outcome);
    const pair = byRegistered.get(r);
    if (pair === undefined) return { verdict: 'not_reported', changes: [], registered: outcome, proof };
    const match = reported[pair.reported]!;
    const changes = changesBetween(outcome, match);
    return {
      verdict: verdictFor(changes),
      changes,
      registered: outcome,
      reported: match,
      matchedBy: pair.matchedBy,
      proof,
    };
  });
  for (const [p, outcome] of reported.entries()) {
    if (!paired.has(p)) entries.push({ verdict: 'added', changes: [], reported: outcome });
  }
  return { outcomesRoot: root, outcomes: entries };
}
