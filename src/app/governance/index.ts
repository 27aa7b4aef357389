// The governance module (issue 15): member organisations propose and vote on admitting, suspending and
// removing members, changing validators (activated at a scheduled height, ./validator-set.ts) and
// changing network parameters. State layout: ./keys.ts; the vote rule: ./tally.ts.
import type { AppModule } from '../module.ts';
import { governanceHandlers } from './handlers.ts';
import { activateScheduledSet } from './validator-set.ts';

export * from './types.ts';
export * from './queries.ts';
export { GOVERNANCE_PREFIX, GOVERNANCE_PROPOSAL_PREFIX } from './keys.ts';
export { electorate, isActiveMember, memberStatus } from './members.ts';
export { BASE_CONSENT_POLICIES, networkParameter, votingPeriodBlocks } from './params.ts';
export { transportKeys, validatorKeysAhead } from './transport-keys.ts';
export {
  checkRecoveryAt,
  genesisElectorate,
  RECOVER_TX_TYPE,
  recoveryAt,
  recoveryElectorate,
  recoverySetOfBlock,
  tipForBlock,
  type RecoveryRecord,
} from './recovery.ts';
export { decide, hasBlockingThird, hasSupermajority } from './tally.ts';
export {
  ACTIVATION_DELAY_BLOCKS,
  nextValidatorSetHash,
  pendingValidatorSets,
  powerMoved,
  validatorSetForHeight,
  validatorSetHistory,
} from './validator-set.ts';

export const governanceModule: AppModule = {
  name: 'governance',
  handlers: governanceHandlers,
  beginBlock: (state, block) => activateScheduledSet(state, block.height),
};
