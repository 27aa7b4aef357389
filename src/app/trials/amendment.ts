// What an amendment changes in the outcomes (issue 16 §2), committed with the new version: added,
// removed, reworded, re-timed, and switched between primary and secondary. Pairing is the COMPare
// check's own (./compare.ts), so a registry page and a results verdict agree on what "the same outcome"
// means. A material change (a primary removed or re-timed, or any primary↔secondary switch) needs the
// participants' re-consent before their data flows to the sponsor under the new version.
import { compareOutcomes } from './compare.ts';
import type { OutcomeKind, RegisteredOutcome } from './types.ts';

export interface OutcomeDiff {
  readonly added: readonly { readonly kind: OutcomeKind; readonly measure: string }[];
  readonly removed: readonly { readonly kind: OutcomeKind; readonly measure: string }[];
  readonly reworded: readonly { readonly from: string; readonly to: string }[];
  readonly timeFrameChanged: readonly {
    readonly measure: string;
    readonly kind: OutcomeKind;
    readonly from: string;
    readonly to: string;
  }[];
  readonly switched: readonly {
    readonly measure: string;
    readonly from: OutcomeKind;
    readonly to: OutcomeKind;
  }[];
  readonly material: boolean;
}

export function outcomeDiff(
  before: readonly RegisteredOutcome[],
  after: readonly RegisteredOutcome[],
): OutcomeDiff {
  const reported = after.map(({ kind, measure, timeFrame }) => ({ kind, measure, timeFrame }));
  const added: { kind: OutcomeKind; measure: string }[] = [];
  const removed: { kind: OutcomeKind; measure: string }[] = [];
  const reworded: { from: string; to: string }[] = [];
  const timeFrameChanged: { measure: string; kind: OutcomeKind; from: string; to: string }[] = [];
  const switched: { measure: string; from: OutcomeKind; to: OutcomeKind }[] = [];
  for (const entry of compareOutcomes(before, reported).outcomes) {
    const { registered: old, reported: now } = entry;
    if (old === undefined) {
      added.push({ kind: now!.kind, measure: now!.measure });
      continue;
    }
    if (now === undefined) {
      removed.push({ kind: old.kind, measure: old.measure });
      continue;
    }
    if (entry.matchedBy === 'similar') reworded.push({ from: old.measure, to: now.measure });
    if (entry.changes.includes('time_frame')) {
      timeFrameChanged.push({ measure: old.measure, kind: old.kind, from: old.timeFrame, to: now.timeFrame });
    }
    if (entry.changes.includes('primary_secondary')) {
      switched.push({ measure: old.measure, from: old.kind, to: now.kind });
    }
  }
  const material =
    switched.length > 0 ||
    removed.some((o) => o.kind === 'primary') ||
    timeFrameChanged.some((o) => o.kind === 'primary');
  return { added, removed, reworded, timeFrameChanged, switched, material };
}
