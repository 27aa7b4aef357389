// Erasure across custodians (issue 10, finding 7): every custodian's node works through the chain's
// list of erasure requests (app/records/erasure-status.ts), whichever node the patient sent theirs to.
// For each request it shreds the requested records it holds and commits its own records.erase receipt,
// RECORDS_PER_ERASURE_MAX records a tx. The work is picked up from committed state on start and after
// every block, and it is idempotent: a shred of what is already gone is skipped, and pending records are
// re-read from state before each receipt, so a crash at any point (before the shred, between the shred
// and the receipt, after the receipt) is finished by the next run. The only local state is how many
// requests are finished (the vault's erasure cursor), advanced only once nothing of that request is
// pending here. One run at a time: the POST route and the block events share it.
import type { Logger } from 'pino';
import {
  erasureQueueEntry,
  erasureQueueLength,
  pendingErasures,
  recordVersion,
  RECORDS_PER_ERASURE_MAX,
} from '../../app/records/index.ts';
import { actorOf } from '../../app/membership/queries.ts';
import type { CanonicalValue } from '../../core/canonical.ts';
import type { Clock } from '../../core/env.ts';
import { NodeError } from '../../node/errors.ts';
import type { CarechainNode } from '../../node/node.ts';
import type { Vault } from '../../node/vault/vault.ts';

/** Where a test may stop the node (a crash injected by the CLI's test hook, cli/test-hooks.ts). */
export type ErasureJobStep = 'shredded';

export interface ErasureJobsPort {
  readonly node: CarechainNode;
  readonly vault: Vault;
  readonly clock: Clock;
  readonly commit: (type: string, payload: CanonicalValue) => Promise<{ hash: string; height: number }>;
}

export interface ErasureJobsOptions {
  readonly logger?: Logger;
  /** Called at each step; the crash test kills the process here. */
  readonly onStep?: (step: ErasureJobStep) => void;
}

export class ErasureJobs {
  private readonly port: ErasureJobsPort;
  private readonly options: ErasureJobsOptions;
  private running: Promise<void> | undefined;
  private again = false;
  private started = false;
  private readonly onBlock = (): void => void this.kick();

  constructor(port: ErasureJobsPort, options: ErasureJobsOptions = {}) {
    this.port = port;
    this.options = options;
  }

  /** Resumes whatever committed state says is unfinished, and again after every block. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.port.node.on('block', this.onBlock);
    void this.kick();
  }

  stop(): void {
    this.started = false;
    this.port.node.off('block', this.onBlock);
  }

  /**
   * Runs the jobs until none is left as of the latest state; resolves when that run ends (a failed job
   * is logged and left for the next block). Calls during a run make it go round once more.
   */
  kick(): Promise<void> {
    this.again = true;
    this.running ??= this.runWhileAsked().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runWhileAsked(): Promise<void> {
    while (this.again) {
      this.again = false;
      try {
        await this.drain();
      } catch (err) {
        // No PHI in these: error codes and the queue position only.
        const code = err instanceof Error ? ((err as { code?: unknown }).code ?? err.name) : 'unknown';
        this.options.logger?.warn(
          { code, cursor: this.port.vault.erasureCursor() },
          'erasure job failed; retried after the next block',
        );
        return;
      }
    }
  }

  private async drain(): Promise<void> {
    const { node, vault } = this.port;
    const custodianOrgId = this.custodianOrgId();
    if (custodianOrgId === undefined) return;
    for (;;) {
      const cursor = vault.erasureCursor();
      const state = node.ledger.state;
      if (cursor >= erasureQueueLength(state)) return;
      const entry = erasureQueueEntry(state, cursor);
      if (entry !== undefined) await this.eraseHeldRecords(entry.patientPseudonym, custodianOrgId);
      vault.setErasureCursor(cursor + 1);
    }
  }

  /** Shreds and receipts, a chunk at a time, until nothing of the patient's is pending here. */
  private async eraseHeldRecords(pseudonym: string, custodianOrgId: string): Promise<void> {
    const { node, vault, clock } = this.port;
    for (;;) {
      const state = node.ledger.state;
      const chunk = pendingErasures(state, pseudonym, custodianOrgId).slice(0, RECORDS_PER_ERASURE_MAX);
      if (chunk.length === 0) return;
      const shreddedAtMs = clock.nowMs();
      for (const head of chunk) {
        try {
          vault.shred({ recordId: head.recordId });
        } catch (err) {
          // A retry after a crash between shred and receipt: the ciphertexts are already gone.
          const gone =
            err instanceof NodeError && (err.code === 'vault.shredded' || err.code === 'vault.not_found');
          if (!gone) throw err;
        }
      }
      this.options.onStep?.('shredded');
      // The receipt lists what the chain registered, version by version, as records.erase demands.
      const commitments = chunk.flatMap((head) =>
        Array.from(
          { length: head.latestVersion },
          (_, v) => recordVersion(state, head.recordId, v + 1)!.commitment,
        ),
      );
      await this.port.commit('records.erase', {
        patientPseudonym: pseudonym,
        recordIds: chunk.map((head) => head.recordId),
        receipt: { commitments, shreddedAtMs },
      });
    }
  }

  private custodianOrgId(): string | undefined {
    const { node } = this.port;
    const actor = actorOf(node.ledger.state, node.key.publicKey);
    return actor.kind === 'node' ? actor.orgId : undefined;
  }
}
