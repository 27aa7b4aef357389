// Validator churn in a simulated run (issue 15): the member organisations' admins carry out a churn plan
// (churn-plan.ts) by real governance txs through the real mempool, consensus and ledger, while the
// seed's crashes, partitions and lossy links go on; the old set attacks the heights it no longer signs;
// and the checks hold the chain to the plan: the set that signs each height is the one the votes made,
// in order, and every honest node ends under the last one.
import { toHex, utf8 } from '../../src/core/bytes.ts';
import { sha256 } from '../../src/core/crypto/index.ts';
import { signTx, txHash, type SignedTx } from '../../src/core/tx.ts';
import { signVote } from '../../src/core/vote.ts';
import type { ValidatorSet } from '../../src/core/validators.ts';
import type { WireMessage } from '../../src/node/consensus/wire.ts';
import { CHAIN_ID, SPARE_KEYS } from './chain.ts';
import { adminOf, orgId, type ChurnPlan, type ChurnStep, type PlannedValidator } from './churn-plan.ts';
import type { EventQueue } from './network.ts';
import type { Behaviour, SimNode } from './node.ts';
import type { Rng } from './prng.ts';

/** How often the admins look at the chain and (re)send what is not in it yet. */
export const CHURN_TICK_MS = 150;

function actionOf(step: ChurnStep): object {
  switch (step.kind) {
    case 'add':
      return {
        kind: 'add-member',
        orgId: orgId(step.org),
        name: `Organisation ${step.org}`,
        type: 'clinic',
        adminKey: adminOf(step.org).publicKey,
        nodeKey: SPARE_KEYS[step.spare]!.publicKey,
        power: step.power,
      };
    case 'remove':
      return { kind: 'validator-power', publicKey: step.publicKey, power: 0 };
    case 'power':
      return { kind: 'validator-power', publicKey: step.publicKey, power: step.power };
    case 'rotate':
      return {
        kind: 'rotate-validator-key',
        publicKey: step.publicKey,
        newKey: SPARE_KEYS[step.spare]!.publicKey,
      };
  }
}

/** The fewest yes votes that are more than 2/3 of `members` (tally.ts's rule, written out again). */
export function yesVotesNeeded(members: number): number {
  return Math.floor((2 * members) / 3) + 1;
}

interface SignedStep {
  readonly propose: { tx: SignedTx; hash: string };
  readonly votes: readonly { tx: SignedTx; hash: string }[];
}

/**
 * The admins of a churn run. Step k is proposed by one member and passed by the fewest yes votes that
 * are a supermajority (the proposer's among them): a vote past the threshold would be refused, and its
 * admin's nonce chain would stall. Each tick sends, to a node picked at random among those up, every tx
 * of the current step that an honest node picked at random has not committed yet; the next step starts
 * once the last vote is committed there, so a later change may queue behind one not yet active.
 */
export class ChurnAdmins {
  private readonly nonces = new Map<number, number>();
  private step = 0;
  private current: SignedStep | undefined;
  /** Members when the current step was proposed: genesis' and those the plan added before it. */
  private members: number[];

  constructor(
    private readonly plan: ChurnPlan,
    private readonly rng: Rng,
    private readonly queue: EventQueue,
    private readonly nodes: readonly SimNode[],
  ) {
    this.members = Array.from({ length: plan.genesisMembers }, (_, i) => i);
  }

  /** Steps whose every vote some honest node has committed. */
  get passed(): number {
    return this.step;
  }

  start(): void {
    this.queue.at(this.plan.startMs, () => this.tick());
  }

  private sign(org: number, type: string, payload: object): { tx: SignedTx; hash: string } {
    const nonce = (this.nonces.get(org) ?? 0) + 1;
    this.nonces.set(org, nonce);
    const tx = signTx(adminOf(org).seed, { chainId: CHAIN_ID, type, payload: payload as never, nonce });
    return { tx, hash: txHash(tx) };
  }

  private signStep(k: number): SignedStep {
    const step = this.plan.steps[k]!;
    const m = this.members.length;
    const voters = Array.from({ length: yesVotesNeeded(m) }, (_, i) => this.members[(k + i) % m]!);
    const propose = this.sign(voters[0]!, 'governance.propose', {
      action: actionOf(step),
      reason: `churn step ${k}: ${step.kind}`,
    });
    const votes = voters.map((org) =>
      this.sign(org, 'governance.vote', { proposalId: propose.hash, choice: 'yes', reason: '' }),
    );
    return { propose, votes };
  }

  private tick(): void {
    if (this.step >= this.plan.steps.length) return;
    this.current ??= this.signStep(this.step);
    const honestUp = this.nodes.filter((node) => node.honest && node.up);
    const up = this.nodes.filter((node) => node.up);
    const probe = honestUp.length > 0 ? this.rng.pick(honestUp) : undefined;
    if (probe !== undefined && up.length > 0) {
      const target = this.rng.pick(up);
      const { propose, votes } = this.current;
      if (!probe.applied.has(propose.hash)) target.submitTx(propose.tx);
      else {
        const missing = votes.filter((v) => !probe.applied.has(v.hash));
        for (const vote of missing) target.submitTx(vote.tx);
        if (missing.length === 0) this.nextStep();
      }
    }
    this.queue.after(CHURN_TICK_MS, () => this.tick());
  }

  private nextStep(): void {
    const step = this.plan.steps[this.step]!;
    if (step.kind === 'add') this.members = [...this.members, step.org];
    this.step++;
    this.current = undefined;
  }
}

/**
 * A genesis validator whose key has left the set, still running the real node and connected to all
 * (the simulated transport lets it in, as an allow-list that lags would): for every precommit of a
 * height it no longer signs, it signs a prevote and a precommit for that block and for another one, to
 * add weight it no longer has and to start a fork. Honest nodes must count none of it, and may not
 * report it as evidence, which the set of that height could not verify. Honest until its key is out.
 */
export function oldSetAttack(): Behaviour {
  const attacked = new Set<string>();
  return {
    name: 'old-set',
    onReceive(node, _from, message) {
      const m = message as WireMessage;
      if (m.t !== 'vote' || m.vote.type !== 'precommit' || m.vote.blockHash === null) return;
      // Only heights past its tip, whose set (the one its own chain says signs next) leaves it out.
      if (m.vote.height <= node.ledger.tip().height) return;
      if (node.ledger.validatorSet.validators.some((v) => v.publicKey === node.publicKey)) return;
      const at = `${m.vote.height}/${m.vote.round}`;
      if (attacked.has(at) || attacked.size >= 500) return;
      attacked.add(at);
      const other = toHex(sha256(utf8(`old-set fork ${node.id} ${at}`)));
      for (const blockHash of [m.vote.blockHash, other]) {
        for (const type of ['prevote', 'precommit'] as const) {
          const { height, round, timeMs } = m.vote;
          const body = { type, height, round, timeMs, blockHash, validator: node.publicKey };
          const vote = signVote(CHAIN_ID, node.key.seed, body);
          for (const peer of node.peers) node.sendGossip(peer, { t: 'vote', vote });
        }
      }
    },
  };
}

/** A set as "key:power" sorted, so sets compare whatever order or names they carry. */
export function setSignature(set: readonly PlannedValidator[]): string {
  return set
    .map((v) => `${v.publicKey}:${v.power}`)
    .sort()
    .join(',');
}

/**
 * The set that signed each height, as the honest nodes' chains say, against the plan: the sets follow
 * each other exactly as the plan's steps made them (no change without its vote, none skipped, none out
 * of order), and, when the run was meant to finish, every honest node ends signed by the plan's last set.
 */
export function checkChurn(
  plan: ChurnPlan,
  setsByHeight: ReadonlyMap<number, ValidatorSet>,
  honest: readonly SimNode[],
  expectDone: boolean,
): string[] {
  const violations: string[] = [];
  const expected = plan.sets.map(setSignature);
  let at = 0;
  for (const height of [...setsByHeight.keys()].sort((a, b) => a - b)) {
    const signature = setSignature(setsByHeight.get(height)!.validators);
    if (signature === expected[at]) continue;
    if (signature === expected[at + 1]) {
      at++;
      continue;
    }
    violations.push(
      `safety: churn: height ${height} was signed by a set no vote made (expected the set of step ${at} or ${at + 1})`,
    );
    return violations;
  }
  if (!expectDone) return violations;
  const last = expected[expected.length - 1];
  for (const node of honest) {
    const signing = setSignature(node.signingSet.validators);
    if (signing !== last) {
      const step = expected.indexOf(signing);
      violations.push(
        `liveness: churn: node ${node.id} ended under ${step < 0 ? 'a set of no step' : `the set of step ${step}`}, not ${expected.length - 1}`,
      );
    }
  }
  return violations;
}
