// Recovery on chain (issue 15): `governance.recover { certificate }` installs the validator set a
// recovery certificate names (core/recovery.ts), when the set in force lost more than 1/3 of its power
// for good and can commit nothing more.
//
// The certificate says the new set signs from height + 1, so the block at height + 1 is the first the new
// set signs, and it must carry the certificate as its first tx: that block's signers are read from the
// block itself (recoverySetOfBlock), then checked against more than 2/3 of the member organisations'
// admin keys in the state its predecessor left. Anywhere else a recovery tx is refused: the old set,
// still alive, cannot use one to skip a vote, and no block can claim a set without the certificate.
import type { ChainTip } from '../../core/block.ts';
import { CoreError } from '../../core/errors.ts';
import {
  checkRecoveryCertificate,
  parseRecoveryCertificate,
  type RecoveryCertificate,
  type RecoveryElector,
} from '../../core/recovery.ts';
import type { SignedTx } from '../../core/tx.ts';
import type { ValidatorSet } from '../../core/validators.ts';
import type { Genesis } from '../../core/genesis.ts';
import { parseMembershipGenesis } from '../membership/genesis.ts';
import { organisation } from '../membership/queries.ts';
import type { TxContext } from '../module.ts';
import { rejected, type PayloadObject } from '../payload.ts';
import { encodeStateValue, readStateValue, type StateReader } from '../state.ts';
import { recoveryKey, VALIDATOR_SCHEDULE_KEY } from './keys.ts';
import { electorate } from './members.ts';
import { installValidatorSet } from './validator-set.ts';

export const RECOVER_TX_TYPE = 'governance.recover';

/** What the chain keeps of a recovery, under the first height the new set signed. */
export interface RecoveryRecord {
  readonly certificate: RecoveryCertificate;
  readonly txHash: string;
}

/** The member organisations entitled to sign a recovery now, with their current admin keys. */
export function recoveryElectorate(state: StateReader): RecoveryElector[] {
  return electorate(state).map((orgId) => ({ orgId, adminKey: organisation(state, orgId)!.adminKey }));
}

/**
 * The electorate a light client that trusts only genesis knows: genesis' organisations and admin keys.
 * Departure: a member admitted, removed or re-keyed by a later vote is not followed (that needs a proof
 * of the state at the certificate's height), so a recovery after membership changed must also carry
 * signatures of more than 2/3 of genesis' organisations for light clients to accept it.
 */
export function genesisElectorate(genesis: Genesis): RecoveryElector[] {
  return (parseMembershipGenesis(genesis) ?? []).map((org) => ({ orgId: org.id, adminKey: org.adminKey }));
}

/**
 * Checks a certificate against the state at its height: its chain, that it names the last committed
 * height, and the quorum of member organisations. Throws CoreError('governance.recovery_invalid').
 */
export function checkRecoveryAt(
  state: StateReader,
  chainId: string,
  tipHeight: number,
  input: unknown,
): { certificate: RecoveryCertificate; set: ValidatorSet } {
  const certificate = parseRecoveryCertificate(input);
  if (certificate.height !== tipHeight) {
    throw new CoreError(
      'governance.recovery_invalid',
      `the certificate names height ${certificate.height}, but the block before this one is ${tipHeight}`,
      { expected: tipHeight, actual: certificate.height },
    );
  }
  return { certificate, set: checkRecoveryCertificate(chainId, certificate, recoveryElectorate(state)) };
}

const certificateOf = (tx: SignedTx): unknown =>
  typeof tx.payload === 'object' && tx.payload !== null && !Array.isArray(tx.payload)
    ? (tx.payload as Record<string, unknown>).certificate
    : undefined;

/**
 * The set that signs the block after `tip` holding `txs`: the certificate's when the first tx is a
 * recovery, else undefined (the state's). Throws CoreError when a recovery tx is not first, or its
 * certificate does not hold at the state `tip` committed.
 */
export function recoverySetOfBlock(
  state: StateReader,
  tip: Pick<ChainTip, 'chainId' | 'height'>,
  txs: readonly SignedTx[],
): ValidatorSet | undefined {
  if (txs.slice(1).some((tx) => tx.type === RECOVER_TX_TYPE)) {
    throw new CoreError('block.mismatch', 'a recovery tx may only be the first tx of a block', {
      field: 'txs',
    });
  }
  const first = txs[0];
  if (first?.type !== RECOVER_TX_TYPE) return undefined;
  return checkRecoveryAt(state, tip.chainId, tip.height, certificateOf(first)).set;
}

/** The tip a block is checked on: its validatorSet is the recovery's when the block opens with one. */
export function tipForBlock<T extends ChainTip>(state: StateReader, tip: T, txs: readonly SignedTx[]): T {
  const recovered = recoverySetOfBlock(state, tip, txs);
  return recovered === undefined ? tip : { ...tip, validatorSet: recovered };
}

function applyRecover(ctx: TxContext, payload: PayloadObject): void {
  let checked: { certificate: RecoveryCertificate; set: ValidatorSet };
  try {
    checked = checkRecoveryAt(ctx.state, ctx.chainId, ctx.height - 1, payload.certificate);
  } catch (err) {
    if (!(err instanceof CoreError)) throw err;
    throw rejected('governance.recovery_invalid', err.message);
  }
  const { certificate, set } = checked;
  // The certificate replaces whatever a vote had scheduled: it was agreed after, by the same members.
  ctx.state.delete(VALIDATOR_SCHEDULE_KEY);
  installValidatorSet(ctx.state, ctx.height, set.validators, ctx.txHash);
  const record: RecoveryRecord = { certificate, txHash: ctx.txHash };
  ctx.state.set(recoveryKey(ctx.height), encodeStateValue(record));
}

/** The recovery that installed the set signing from `height`, if one did. */
export function recoveryAt(state: StateReader, height: number): RecoveryRecord | undefined {
  return readStateValue<RecoveryRecord>(state, recoveryKey(height));
}

export const recoverHandler = { type: RECOVER_TX_TYPE, fields: ['certificate'], apply: applyRecover };
