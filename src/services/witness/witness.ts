// A c2sp.org/tlog-witness witness: answers `POST /add-checkpoint` from the pure decision
// (core/c2sp/witness.ts) and its state store. Every member node runs one for its own chain, and
// `carechain witness` runs one standalone. On a cosignature, the new head and the cosignature are
// written in one compare-and-swap before the answer leaves (the spec's rollback rule); a checkpoint
// signed by a trusted log key that contradicts what was cosigned (same size, other root; or a failed
// consistency proof) is handed to `onFork`, which keeps it as evidence.
import { bytesEqual } from '../../core/bytes.ts';
import {
  cosignLine,
  decideAddCheckpoint,
  parseCheckpoint,
  parseNote,
  type Verifier,
} from '../../core/c2sp/index.ts';
import type { WitnessStateStore } from '../../node/storage/witness-state.ts';
import type { ForkEvidenceKind } from '../../app/consensus/fork-evidence.ts';

export interface WitnessAnswer {
  readonly status: 200 | 400 | 403 | 404 | 409 | 422;
  readonly contentType: string;
  readonly body: string;
}

export interface RefusedCheckpoint {
  readonly kind: ForkEvidenceKind;
  readonly origin: string;
  /** The refused checkpoint's signed note, as received. */
  readonly note: string;
}

export interface WitnessOptions {
  /** The witness's Ed25519 seed and its cosigning verifier (type 0x04). */
  readonly seed: Uint8Array;
  readonly cosigner: Verifier;
  /** The log keys trusted for an origin; undefined for an origin this witness does not follow. */
  readonly logs: (origin: string) => readonly Verifier[] | undefined;
}

export interface WitnessDependencies {
  readonly store: WitnessStateStore;
  readonly nowMs: () => number;
  readonly onFork?: (refused: RefusedCheckpoint) => void;
}

const text = (status: WitnessAnswer['status'], body: string): WitnessAnswer => ({
  status,
  contentType: 'text/plain; charset=utf-8',
  body: body.endsWith('\n') ? body : `${body}\n`,
});

export class Witness {
  private readonly options: WitnessOptions;
  private readonly deps: WitnessDependencies;

  constructor(options: WitnessOptions, deps: WitnessDependencies) {
    this.options = options;
    this.deps = deps;
  }

  get cosigner(): Verifier {
    return this.options.cosigner;
  }

  addCheckpoint(body: string): WitnessAnswer {
    const { store } = this.deps;
    const decision = decideAddCheckpoint(body, this.options.logs, (origin) => store.last(origin));
    switch (decision.kind) {
      case 'refused':
        return text(decision.status, decision.reason);
      case 'conflict':
        this.reportSameSizeFork(body);
        return { status: 409, contentType: 'text/x.tlog.size', body: `${decision.lastSize}\n` };
      case 'inconsistent':
        this.deps.onFork?.({ kind: 'inconsistent', origin: decision.checkpoint.origin, note: noteOf(body) });
        return text(422, 'the checkpoint is not consistent with the last one cosigned');
      case 'cosign': {
        const { origin, size, rootHash } = decision.checkpoint;
        const oldSize = store.last(origin)?.size ?? 0;
        const seconds = Math.floor(this.deps.nowMs() / 1000);
        const line = cosignLine(this.options.seed, this.options.cosigner, decision.text, seconds);
        if (!store.advance(origin, oldSize, { size, rootHash, cosignature: line }, this.deps.nowMs())) {
          return { status: 409, contentType: 'text/x.tlog.size', body: `${store.last(origin)?.size ?? 0}\n` };
        }
        return text(200, line);
      }
    }
  }

  /** A 409 for a checkpoint of the cosigned size with another root is a fork, not a stale client. */
  private reportSameSizeFork(body: string): void {
    if (this.deps.onFork === undefined) return;
    try {
      const note = noteOf(body);
      const checkpoint = parseCheckpoint(parseNote(note).text);
      const head = this.deps.store.last(checkpoint.origin);
      if (head !== null && head.size === checkpoint.size && !bytesEqual(head.rootHash, checkpoint.rootHash)) {
        this.deps.onFork({ kind: 'same-size-other-root', origin: checkpoint.origin, note });
      }
    } catch {
      // Only a signed, well-formed checkpoint reaches a 409; anything else is not evidence.
    }
  }
}

/** The signed note of an add-checkpoint body: everything after the first blank line. */
function noteOf(body: string): string {
  return body.slice(body.indexOf('\n\n') + 2);
}
