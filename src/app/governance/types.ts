// The vocabulary of the governance module (issue 15): what a member organisation may propose, how the
// others vote on it, and what a decided proposal becomes. Everything here is public on chain, reasons
// included: governance is between institutions, so no patient ever appears in it.
import type { OrganisationType } from '../membership/types.ts';

/** The network parameters a proposal may change (./params.ts checks each value). */
export const NETWORK_PARAMETERS = [
  'base-consent-policy',
  'break-glass-budgets',
  'tx-limits',
  'block-limits',
  'witness-policy',
  'voting-period-blocks',
] as const;
export type NetworkParameter = (typeof NETWORK_PARAMETERS)[number];

/** What a proposal asks the network to do once it passes. */
export type ProposalAction =
  | {
      readonly kind: 'add-member';
      readonly orgId: string;
      readonly name: string;
      readonly type: OrganisationType;
      readonly adminKey: string;
      readonly nodeKey: string;
      /** Voting power of nodeKey as a validator; 0 admits a member that does not validate. */
      readonly power: number;
    }
  | { readonly kind: 'suspend-member'; readonly orgId: string }
  | { readonly kind: 'reinstate-member'; readonly orgId: string }
  | { readonly kind: 'remove-member'; readonly orgId: string }
  /** Sets a member node key's validator power; 0 takes it out of the set, > 0 on a new key adds it. */
  | { readonly kind: 'validator-power'; readonly publicKey: string; readonly power: number }
  /** Moves a validator's power to a new node key of the same organisation (a compromised key, say). */
  | { readonly kind: 'rotate-validator-key'; readonly publicKey: string; readonly newKey: string }
  | { readonly kind: 'set-parameter'; readonly name: NetworkParameter; readonly value: ParameterValue };

export type ActionKind = ProposalAction['kind'];
export const ACTION_KINDS: readonly ActionKind[] = [
  'add-member',
  'suspend-member',
  'reinstate-member',
  'remove-member',
  'validator-power',
  'rotate-validator-key',
  'set-parameter',
];

/** A parameter's checked value: canonical JSON of the shape ./params.ts requires for its name. */
export type ParameterValue = string | number | { readonly [field: string]: ParameterValue };

export const VOTE_CHOICES = ['yes', 'no', 'veto'] as const;
export type VoteChoice = (typeof VOTE_CHOICES)[number];

/**
 * open: collecting votes until votingEndsAtHeight; passed: more than 2/3 of the electorate voted yes;
 * rejected: more than 1/3 vetoed; void: it passed but could no longer be carried out (its key was taken,
 * its validator change would now move too much power…), with the refusal's reason kept. An open proposal
 * past its voting period is expired (proposalStatus(), no tx needed to close it).
 */
export type ProposalStatus = 'open' | 'passed' | 'rejected' | 'void';

export interface Tally {
  readonly yes: number;
  readonly no: number;
  readonly veto: number;
}

export interface Proposal {
  /** The hash of the tx that made it. */
  readonly id: string;
  readonly proposerOrgId: string;
  readonly action: ProposalAction;
  readonly reason: string;
  readonly proposedAtHeight: number;
  /** The last height at which a vote counts. */
  readonly votingEndsAtHeight: number;
  /**
   * The member organisations entitled to vote, fixed when proposed: a member admitted or suspended
   * meanwhile does not move the thresholds of a vote already under way.
   */
  readonly electorate: readonly string[];
  readonly tally: Tally;
  readonly status: ProposalStatus;
  readonly decidedAtHeight: number | null;
  /** For a passed validator-set change: the first height the new set signs. */
  readonly activationHeight: number | null;
  /** For a void proposal: the refusal's reason code. */
  readonly voidReason: string | null;
}

export interface VoteRecord {
  readonly orgId: string;
  readonly choice: VoteChoice;
  readonly reason: string;
  readonly height: number;
  readonly txHash: string;
}

export type MemberStatus = 'active' | 'suspended' | 'removed';

export interface MemberStatusRecord {
  readonly status: MemberStatus;
  readonly sinceHeight: number;
  readonly proposalId: string;
}

/** A validator-set change waiting for its height; the set it names is complete, not a difference. */
export interface ScheduledValidatorSet {
  readonly height: number;
  readonly proposalId: string;
  readonly validators: readonly {
    readonly publicKey: string;
    readonly power: number;
    readonly name: string;
  }[];
}

/** The history entry of one set, for light clients and the explorer. */
export interface ValidatorSetChange {
  readonly height: number;
  readonly proposalId: string;
  readonly validatorSetHash: string;
}
