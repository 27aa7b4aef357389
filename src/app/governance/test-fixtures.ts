// Fixtures for the governance tests (imported by *.test.ts only): a network of n member organisations,
// each with an admin key and one validator node key of equal power, and helpers to propose and vote.
import assert from 'node:assert/strict';
import type { Genesis } from '../../core/genesis.ts';
import { chainId, GENESIS_TIME_MS, party, TestChain, type Party } from '../test-support.ts';
import type { VoteChoice } from './types.ts';

export interface Member {
  readonly id: string;
  readonly admin: Party;
  readonly node: Party;
}

export const POWER_EACH = 10;

export function member(i: number): Member {
  const id = `org-${i}`;
  return { id, admin: party(`${id} admin`), node: party(`${id} node`) };
}

export function networkGenesis(members: readonly Member[], powers?: readonly number[]): Genesis {
  return {
    chainId,
    genesisTimeMs: GENESIS_TIME_MS,
    validators: members.map((m, i) => ({
      publicKey: m.node.key,
      power: powers?.[i] ?? POWER_EACH,
      name: m.id,
    })),
    app: {
      membership: {
        organisations: members.map((m) => ({
          id: m.id,
          name: `Organisation ${m.id}`,
          type: 'hospital',
          adminKey: m.admin.key,
          nodeKeys: [m.node.key],
        })),
      },
    },
  };
}

/** An add-member action for orgId, with keys derived from its id (or the node key given). */
export function addMemberAction(orgId: string, power: number, nodeKey = party(`${orgId} node`).key): object {
  return {
    kind: 'add-member',
    orgId,
    name: `Organisation ${orgId}`,
    type: 'clinic',
    adminKey: party(`${orgId} admin`).key,
    nodeKey,
    power,
  };
}

export class GovernanceNet {
  readonly members: Member[];
  readonly chain: TestChain;

  constructor(size: number, powers?: readonly number[]) {
    this.members = Array.from({ length: size }, (_, i) => member(i));
    this.chain = new TestChain(networkGenesis(this.members, powers));
  }

  /** Proposes as members[by]; returns the outcome and, when it was accepted, the proposal id. */
  propose(by: number | Party, action: object, reason = 'for the network'): { outcome: string; id: string } {
    const signer = typeof by === 'number' ? this.members[by]!.admin : by;
    const outcome = this.chain.submit(signer, 'governance.propose', { action, reason });
    return { outcome, id: this.chain.lastTxHash };
  }

  /** Proposes and fails the test unless it is accepted. */
  proposeOk(by: number, action: object): string {
    const { outcome, id } = this.propose(by, action);
    assert.equal(outcome, 'ok');
    return id;
  }

  vote(by: number | Party, proposalId: string, choice: VoteChoice, reason = ''): string {
    const signer = typeof by === 'number' ? this.members[by]!.admin : by;
    return this.chain.submit(signer, 'governance.vote', { proposalId, choice, reason });
  }

  /** Every member in `voters` votes yes; fails the test on a refusal. */
  approve(proposalId: string, voters: readonly number[]): void {
    for (const i of voters) assert.equal(this.vote(i, proposalId, 'yes'), 'ok');
  }
}
