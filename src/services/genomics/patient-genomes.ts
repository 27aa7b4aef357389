// The patient's own genome at the custodian that holds it (issue 19 §1): a copy of its Crypt4GH container
// for a reader key the patient names (a researcher's, or their own), and erasure. Both take the patient's
// own key: a proxy acts for the patient in much else, but releasing or destroying a genome is the
// patient's alone (as records.requestErasure, docs/SECURITY.md finding 15). Someone else's genome, an
// erased one and one held elsewhere are one refusal, so the answer says nothing of whose genome exists.
import { readGenomeDataset, type GenomeDataset } from '../../app/genomics/keys.ts';
import { actorOf } from '../../app/membership/queries.ts';
import { toHex } from '../../core/bytes.ts';
import { sha256 } from '../../core/crypto/index.ts';
import type { Clock } from '../../node/env.ts';
import type { GenomeStore } from '../../node/genomics/genome-store.ts';
import type { Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';
import type { GenomeCustody } from './custody.ts';
import type { GenomicsLedger } from './ledger.ts';

export interface PatientGenomesDependencies {
  readonly ledger: GenomicsLedger;
  readonly store: GenomeStore;
  readonly custody: GenomeCustody;
  readonly clock: Clock;
}

export interface ContainerReleased {
  readonly txHash: string;
  readonly height: number;
  /** The Crypt4GH container, its header for the recipient's key alone. */
  readonly container: Uint8Array;
}

export interface GenomeErased {
  readonly datasetId: string;
  /** The custodian's signed, committed genomics.eraseDataset: the erasure's receipt. */
  readonly txHash: string;
  readonly height: number;
  readonly shreddedAtMs: number;
}

export class PatientGenomes {
  private readonly deps: PatientGenomesDependencies;

  constructor(deps: PatientGenomesDependencies) {
    this.deps = deps;
  }

  /**
   * Releases the container for `recipientKey` (X25519, 32 bytes) once the release is committed on chain
   * (no read without a record); the stored container is not changed.
   */
  async grant(caller: Caller, datasetId: string, recipientKey: Uint8Array): Promise<ContainerReleased> {
    this.ownGenome(caller, datasetId);
    const stored = this.deps.store.genome(datasetId);
    if (stored === undefined) throw notHeld();
    const { txHash, height } = await this.deps.ledger.commit('genomics.grantContainer', {
      datasetId,
      recipient: toHex(sha256(recipientKey)),
    });
    return { txHash, height, container: this.deps.custody.containerFor(stored.container, [recipientKey]) };
  }

  /**
   * Crypto-shredding: the container (its header keys with it), the commitment's salt and the index rows
   * are deleted, then the custodian commits genomics.eraseDataset as the receipt. A retry after a failed
   * commit finds nothing left to shred and commits the receipt.
   */
  async erase(caller: Caller, datasetId: string): Promise<GenomeErased> {
    this.ownGenome(caller, datasetId);
    this.deps.store.erase(datasetId);
    const shreddedAtMs = this.deps.clock.nowMs();
    const { txHash, height } = await this.deps.ledger.commit('genomics.eraseDataset', { datasetId });
    return { datasetId, txHash, height, shreddedAtMs };
  }

  /** The caller is the patient themself, and the genome is theirs, active, and this custodian's. */
  private ownGenome(caller: Caller, datasetId: string): GenomeDataset {
    if (caller.kind !== 'patient') {
      throw new ServiceError(
        'genomics.not_patient',
        'only the patient’s own key may release or erase a genome',
      );
    }
    const { state } = this.deps.ledger.node.ledger;
    const dataset = readGenomeDataset(state, datasetId);
    const self = actorOf(state, this.deps.ledger.node.key.publicKey);
    const here = self.kind === 'node' ? self.orgId : undefined;
    if (
      dataset === undefined ||
      dataset.status !== 'active' ||
      dataset.patient !== caller.pseudonym ||
      dataset.orgId !== here
    ) {
      throw notHeld();
    }
    return dataset;
  }
}

const notHeld = () => new ServiceError('genomics.unknown_dataset', 'no such genome of yours is held here');
