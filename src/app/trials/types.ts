// The shapes of a trial registration (issue 16 §1): what a sponsor commits to before it enrols anyone.
// Everything here is public on chain; the protocol and the SAP themselves stay off chain, committed by
// salted hashes (./commitment.ts) so a later reveal can be checked without the text being guessable.

export type OutcomeKind = 'primary' | 'secondary';

/** One pre-specified outcome, hashed as one leaf of the registration's outcome tree (./outcome-tree.ts). */
export interface RegisteredOutcome {
  readonly kind: OutcomeKind;
  readonly measure: string;
  readonly timeFrame: string;
  readonly description: string;
}

/** Registry identifiers: ClinicalTrials.gov (NCT), the EU's legacy EudraCT and its successor CTIS. */
export interface TrialIdentifiers {
  readonly nct?: string;
  readonly eudract?: string;
  readonly ctis?: string;
}

export interface TrialArm {
  readonly label: string;
  readonly type: string;
  readonly description: string;
}

/** The registration as submitted before enrolment. Commitments are hex SHA-256 (see ./commitment.ts). */
export interface TrialRegistration {
  readonly identifiers: TrialIdentifiers;
  readonly title: string;
  readonly arms: readonly TrialArm[];
  readonly outcomes: readonly RegisteredOutcome[];
  readonly targetEnrolment: number;
  readonly protocolCommitment: string;
  readonly sapCommitment: string;
}

/** An outcome as a results report names it; `registeredMeasure` is the sponsor's explicit link, if any. */
export interface ReportedOutcome {
  readonly kind: OutcomeKind;
  readonly measure: string;
  readonly timeFrame: string;
  readonly registeredMeasure?: string;
}
