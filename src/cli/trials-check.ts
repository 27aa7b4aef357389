// What `carechain trials verdict` and `allocations` check on the caller's own machine, trusting the node
// for nothing it can be caught out on: every verdict's Merkle proof against the outcome root, that root
// against the outcomes of the registration tx itself, the revealed seed against the commitment made before
// the first enrolment, and every arm recomputed from the seed and the enrolment's tx hash (issue 16 §4, §6).
// Pure: the command fetches, this decides and says what it checked, one line per item.
import {
  allocatedArm,
  outcomesRoot,
  seedCommitment,
  verifyOutcomeProof,
  type RegisteredOutcome,
} from '../app/trials/index.ts';
import type { AllocationsAnswer, VerdictAnswer } from '../contract/trials.ts';

export interface Checked {
  readonly ok: boolean;
  readonly lines: readonly string[];
}

const mark = (ok: boolean) => (ok ? 'ok  ' : 'FAIL');

/**
 * The verdict table, each registered outcome's proof verified against the verdict's root, and that root
 * recomputed from `registered`: the outcomes of the registration version the verdict names, as the
 * registration (or amendment) tx carries them.
 */
export function checkVerdict(verdict: VerdictAnswer, registered: readonly RegisteredOutcome[]): Checked {
  const rootOk = outcomesRoot(registered) === verdict.outcomesRoot;
  const lines = [
    `${mark(rootOk)} outcome root ${verdict.outcomesRoot} ${rootOk ? 'is' : 'is NOT'} the hash of version ${verdict.baselineVersion}'s registered outcomes`,
  ];
  let ok = rootOk;
  for (const entry of verdict.outcomes) {
    const outcome = entry.registered;
    const proved =
      outcome === undefined ||
      (entry.proof !== undefined && verifyOutcomeProof(outcome, entry.proof, verdict.outcomesRoot));
    ok &&= proved;
    const named = outcome ?? entry.reported;
    const what = named === undefined ? '?' : `${named.kind}: ${named.measure} [${named.timeFrame}]`;
    const proof = outcome === undefined ? 'not registered, no proof' : proved ? 'proof ok' : 'PROOF FAILS';
    lines.push(`${mark(proved)} ${entry.verdict.padEnd(17)} ${what} (${proof})`);
  }
  return { ok, lines };
}

/** The seed opens its commitment, and every published arm is the one the seed and enrolment give. */
export function checkAllocations(answer: AllocationsAnswer, arms: readonly string[]): Checked {
  if (answer.seed === null) {
    return {
      ok: true,
      lines: [`blind: ${answer.allocations.length} enrolments, the seed is not revealed yet`],
    };
  }
  const opens = answer.seedCommitment !== null && seedCommitment(answer.seed) === answer.seedCommitment;
  const lines = [
    `${mark(opens)} the revealed seed ${opens ? 'opens' : 'does NOT open'} the commitment made before the first enrolment`,
  ];
  let ok = opens;
  for (const a of answer.allocations) {
    const expected = arms[allocatedArm(answer.seed, a.enrolTxHash, arms.length)];
    const same = a.arm === expected;
    ok &&= same;
    lines.push(
      `${mark(same)} ${a.enrolTxHash} at ${a.siteOrgId}: ${a.arm}${same ? '' : ` (recomputed: ${expected})`}`,
    );
  }
  return { ok, lines };
}
