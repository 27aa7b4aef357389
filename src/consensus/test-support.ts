// Helpers for the engine's unit tests: deterministic keys, toy values, and a lock-step cluster that
// routes broadcasts between engines in FIFO order and lets a test fire timeouts by hand.
import { toHex } from '../core/bytes.ts';
import { publicKeyFromSeed, sha256 } from '../core/crypto/index.ts';
import { utf8 } from '../core/bytes.ts';
import { makeValidatorSet, type ValidatorSet } from '../core/validators.ts';
import { ConsensusEngine } from './engine.ts';
import { genesisSchedule, proposerOf, type ProposerSchedule } from './proposer.ts';
import { signProposal } from '../core/proposal.ts';
import { signVote, type Vote } from '../core/vote.ts';
import type { ConsensusMessage, ConsensusValue, EngineOptions, Output } from './types.ts';

export const CHAIN_ID = 'test-chain';

export interface TestValue extends ConsensusValue {
  readonly label: string;
}

export function value(label: string, timeMs = 1): TestValue {
  return { hash: toHex(sha256(utf8(label))), timeMs, label };
}

export function seedOf(i: number): Uint8Array {
  return sha256(utf8(`validator-${i}`));
}

export interface Keys {
  readonly seeds: Uint8Array[];
  readonly keys: string[];
  readonly set: ValidatorSet;
  readonly schedule: ProposerSchedule;
}

export function makeKeys(powers: readonly number[]): Keys {
  const seeds = powers.map((_, i) => seedOf(i));
  const keys = seeds.map((s) => toHex(publicKeyFromSeed(s)));
  const set = makeValidatorSet(keys.map((publicKey, i) => ({ publicKey, power: powers[i]!, name: `v${i}` })));
  return { seeds, keys, set, schedule: genesisSchedule(set) };
}

export function newEngine(
  keys: Keys,
  i: number,
  extra: Partial<EngineOptions<TestValue>> = {},
): ConsensusEngine<TestValue> {
  return new ConsensusEngine<TestValue>({ chainId: CHAIN_ID, seed: keys.seeds[i]!, ...extra });
}

export function broadcasts(outputs: readonly Output<TestValue>[]): ConsensusMessage<TestValue>[] {
  return outputs.flatMap((o) => (o.kind === 'broadcast' ? [o.message] : []));
}

export function ofKind<K extends Output<TestValue>['kind']>(
  outputs: readonly Output<TestValue>[],
  kind: K,
): Extract<Output<TestValue>, { kind: K }>[] {
  return outputs.filter((o): o is Extract<Output<TestValue>, { kind: K }> => o.kind === kind);
}

/**
 * Engines wired in lock step: every broadcast reaches every other engine (unless `drop` says no), block
 * requests are answered with `valueFor`, validation with `isValid`; timeouts wait for `fireTimeouts`.
 */
export class Cluster {
  readonly engines: ConsensusEngine<TestValue>[];
  readonly outputs: Output<TestValue>[][];
  private queue: { to: number; message: ConsensusMessage<TestValue> }[] = [];
  private timeouts: { to: number; o: Extract<Output<TestValue>, { kind: 'scheduleTimeout' }> }[] = [];
  nowMs = 1000;
  drop: (from: number, to: number, m: ConsensusMessage<TestValue>) => boolean = () => false;
  valueFor: (height: number, round: number, proposer: number) => TestValue = (h, r, p) =>
    value(`block h${h} r${r} by ${p}`);
  isValid: (v: TestValue) => boolean = () => true;

  constructor(
    readonly keys: Keys,
    extra: (i: number) => Partial<EngineOptions<TestValue>> = () => ({}),
  ) {
    this.engines = keys.seeds.map((_, i) => newEngine(keys, i, extra(i)));
    this.outputs = keys.seeds.map(() => []);
  }

  start(height = 1): void {
    this.engines.forEach((e, i) =>
      this.feed(i, e.handle({ kind: 'start', height, schedule: this.keys.schedule, nowMs: this.nowMs })),
    );
  }

  feed(i: number, outputs: Output<TestValue>[]): void {
    this.outputs[i]!.push(...outputs);
    const engine = this.engines[i]!;
    for (const o of outputs) {
      if (o.kind === 'broadcast') {
        for (let to = 0; to < this.engines.length; to++) {
          if (to !== i && !this.drop(i, to, o.message)) this.queue.push({ to, message: o.message });
        }
      } else if (o.kind === 'requestValue') {
        const v = this.valueFor(o.height, o.round, i);
        this.feed(
          i,
          engine.handle({
            kind: 'valueReady',
            height: o.height,
            round: o.round,
            value: v,
            nowMs: this.nowMs,
          }),
        );
      } else if (o.kind === 'validateValue') {
        const verdict = {
          kind: 'valueValidated',
          height: o.height,
          hash: o.value.hash,
          nowMs: this.nowMs,
        } as const;
        this.feed(i, engine.handle({ ...verdict, valid: this.isValid(o.value) }));
      } else if (o.kind === 'scheduleTimeout') {
        this.timeouts.push({ to: i, o });
      }
    }
  }

  deliver(to: number, message: ConsensusMessage<TestValue>): void {
    const engine = this.engines[to]!;
    const input =
      message.kind === 'vote'
        ? ({ kind: 'vote', vote: message.vote, nowMs: this.nowMs } as const)
        : ({
            kind: 'proposal',
            proposal: message.proposal,
            value: message.value,
            nowMs: this.nowMs,
          } as const);
    this.feed(to, engine.handle(input));
  }

  /** Delivers queued messages until none is left. */
  run(): void {
    for (let m = this.queue.shift(); m !== undefined; m = this.queue.shift()) this.deliver(m.to, m.message);
  }

  /** Fires every pending timeout of the given step (all steps when omitted), then runs the network. */
  fireTimeouts(step?: 'propose' | 'prevote' | 'precommit'): void {
    const due = this.timeouts.filter((t) => step === undefined || t.o.step === step);
    this.timeouts = this.timeouts.filter((t) => !due.includes(t));
    for (const { to, o } of due) {
      const input = {
        kind: 'timeout',
        height: o.height,
        round: o.round,
        step: o.step,
        nowMs: this.nowMs,
      } as const;
      this.feed(to, this.engines[to]!.handle(input));
    }
    this.run();
  }

  decisions(i: number): Extract<Output<TestValue>, { kind: 'decide' }>[] {
    return ofKind(this.outputs[i]!, 'decide');
  }
}

export function voteBy(
  keys: Keys,
  i: number,
  body: {
    type: 'prevote' | 'precommit';
    height: number;
    round: number;
    blockHash: string | null;
    timeMs?: number;
  },
): Vote {
  return signVote(CHAIN_ID, keys.seeds[i]!, { timeMs: 5, ...body, validator: keys.keys[i]! });
}

/** The input carrying round `round`'s proposal of `v`, signed by that round's scheduled proposer. */
export function proposalInput(keys: Keys, height: number, round: number, v: TestValue, polRound = -1) {
  const proposerIndex = keys.keys.indexOf(proposerOf(keys.schedule, round));
  const proposal = signProposal(CHAIN_ID, keys.seeds[proposerIndex]!, {
    height,
    round,
    polRound,
    blockHash: v.hash,
    proposer: keys.keys[proposerIndex]!,
  });
  return { kind: 'proposal', proposal, value: v, nowMs: 1000 } as const;
}

export function voteInput(vote: Vote) {
  return { kind: 'vote', vote, nowMs: 1000 } as const;
}

/** Index of the validator proposing `round` at height 1 under the genesis schedule. */
export function proposerIndex(keys: Keys, round: number): number {
  return keys.keys.indexOf(proposerOf(keys.schedule, round));
}
