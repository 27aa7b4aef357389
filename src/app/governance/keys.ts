// Where the governance module keeps its state. Every value is canonical JSON (encodeStateValue).
//
//   governance/proposal/<id>              → Proposal          id is the proposing tx's hash
//   governance/vote/<id>/<orgId>          → VoteRecord        one per organisation, final
//   governance/member/<orgId>             → MemberStatusRecord  absent: active (genesis or admitted)
//   governance/param/<name>               → the parameter's value (./params.ts)
//   governance/validator-schedule         → ScheduledValidatorSet[]  pending, by ascending height
//   governance/validator-history          → ValidatorSetChange[]     every activation, oldest first
//   governance/recovery/<height>          → RecoveryRecord    a recovery certificate, by the first height its set signs
//
// Point reads only, like membership: ids and keys are lowercase hex and org ids [a-z0-9-], so no segment
// contains "/".

export const GOVERNANCE_PREFIX = 'governance/';
export const GOVERNANCE_PROPOSAL_PREFIX = 'governance/proposal/';
export const proposalKey = (id: string): string => `${GOVERNANCE_PROPOSAL_PREFIX}${id}`;
export const voteKey = (id: string, orgId: string): string => `governance/vote/${id}/${orgId}`;
export const memberStatusKey = (orgId: string): string => `governance/member/${orgId}`;
export const parameterKey = (name: string): string => `governance/param/${name}`;
export const VALIDATOR_SCHEDULE_KEY = 'governance/validator-schedule';
export const VALIDATOR_HISTORY_KEY = 'governance/validator-history';
export const recoveryKey = (height: number): string => `governance/recovery/${height}`;

export { readStateValue as readRecord } from '../state.ts';
