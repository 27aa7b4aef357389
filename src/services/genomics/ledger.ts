// How the genomics services reach the ledger: txs signed with the node key (the organisation acts),
// submitted, and waited for until final. A refusal becomes the module's own catalogue code.
import type { CanonicalValue } from '../../core/canonical.ts';
import { hmacSha256 } from '../../core/crypto/index.ts';
import { utf8 } from '../../core/bytes.ts';
import type { CarechainNode } from '../../node/node.ts';
import { systemClock } from '../../node/env.ts';
import { ServiceError } from '../errors.ts';
import { ledgerRefusal } from '../ledger-refusal.ts';
import { SupplyService } from '../supply/service.ts';

export const GENOMICS_COMMIT_TIMEOUT_MS_DEFAULT = 10_000;

export class GenomicsLedger {
  readonly node: CarechainNode;
  /** The node-key signer the supply service already is (nonces from the mempool). */
  private readonly signer: SupplyService;
  private readonly commitTimeoutMs: number;

  constructor(node: CarechainNode, commitTimeoutMs = GENOMICS_COMMIT_TIMEOUT_MS_DEFAULT) {
    this.node = node;
    this.commitTimeoutMs = commitTimeoutMs;
    this.signer = new SupplyService({ commitTimeoutMs }, { node, clock: systemClock });
  }

  /** Sign and submit (admitted to the mempool, not yet final): the tx's hash. */
  submit(type: string, payload: CanonicalValue): string {
    const tx = this.signer.sign(type, payload);
    try {
      return this.node.submit(tx);
    } catch (err) {
      throw ledgerRefusal(err, type, 'genomics');
    }
  }

  /** Sign, submit, wait for the commit; nothing after this call may happen unless it resolved. */
  async commit(type: string, payload: CanonicalValue): Promise<{ txHash: string; height: number }> {
    const txHash = this.submit(type, payload);
    const committed = await this.node.waitForCommit(txHash, this.commitTimeoutMs);
    if (committed === undefined) {
      throw new ServiceError('genomics.commit_timeout', `the ${type} tx was not committed`, { txHash });
    }
    return { txHash, height: committed.height };
  }

  /** A key of this node's own, derived from its seed for one purpose (never leaves the node). */
  derivedKey(purpose: string): Uint8Array {
    return hmacSha256(this.node.key.seed, utf8(`carechain/v1/genomics/${purpose}`));
  }
}
