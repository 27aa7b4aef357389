// Applying a recovery certificate at a stopped node (issue 15; `carechain recover`, docs/GOVERNANCE.md
// "Recovery"): the node's key signs a governance.recover tx carrying the certificate, the ledger checks
// it against the chain's state and keeps it (Ledger.applyRecovery), and the consensus record of the next
// height lets go of any lock on a block of the lost set, which the recovered set would never accept.
import { lastNonce } from '../app/executor.ts';
import { RECOVER_TX_TYPE } from '../app/governance/index.ts';
import type { CanonicalValue } from '../core/canonical.ts';
import type { RecoveryCertificate } from '../core/recovery.ts';
import { signTx } from '../core/tx.ts';
import type { ValidatorSet } from '../core/validators.ts';
import { ConsensusRecordStore } from './consensus/record-store.ts';
import type { KeyPair } from './keys.ts';
import type { Ledger } from './ledger.ts';

/** Returns the height the recovered set signs first, and that set. Throws CoreError when it does not hold. */
export function applyRecoveryCertificate(
  ledger: Ledger,
  key: KeyPair,
  certificate: RecoveryCertificate,
): { height: number; validators: ValidatorSet } {
  const tx = signTx(key.seed, {
    chainId: ledger.chainId,
    type: RECOVER_TX_TYPE,
    payload: { certificate: certificate as unknown as CanonicalValue },
    nonce: lastNonce(ledger.state, key.publicKey) + 1,
  });
  ledger.applyRecovery(tx);
  const height = ledger.tip().height + 1;
  new ConsensusRecordStore(ledger.store.port).releaseForRecovery(height);
  return { height, validators: ledger.validatorSet };
}
