// Who signs a carechain checkpoint, in C2SP terms (issue 15). The log's origin comes from genesis
// (app.witness.origin) or defaults to "carechain.local/<chainId>". Every member node signs the
// checkpoints it serves as the log (type 0x01, key name = origin) and cosigns each committed height as a
// witness (type 0x04, key name "<orgId>.<origin>"), both with its node key. The default witness policy
// (c2sp.org/tlog-policy) names every node key as a log, and puts the validators' cosigning keys in a
// group that needs more than 2/3 of the voting power, the non-voting members' in a group that needs a
// majority of them, and asks for all of both. The members and validators are read from committed state,
// not genesis, so the identity follows governance: a member voted in, a rotated key, a validator voted
// out (a departure from a policy fixed at genesis, docs/ARCHITECTURE.md).
import { validatorSetFromState } from '../../app/consensus/index.ts';
import { isActiveMember } from '../../app/governance/members.ts';
import { validatorKeysAhead } from '../../app/governance/transport-keys.ts';
import { networkParameter } from '../../app/governance/params.ts';
import { organisation, organisationIds } from '../../app/membership/queries.ts';
import type { StateReader } from '../../app/state.ts';
import { fromHex } from '../../core/bytes.ts';
import {
  formatVkey,
  isOrigin,
  parsePolicy,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  verifier,
  type Verifier,
  type WitnessPolicy,
} from '../../core/c2sp/index.ts';
import type { Genesis } from '../../core/genesis.ts';

export interface ChainWitness {
  /** The policy's name for this witness: the organisation id (with "-2", "-3"… for its further nodes). */
  readonly policyName: string;
  readonly orgId: string;
  readonly nodeKey: string;
  /** Voting power; 0 for a member node that follows the chain without voting. */
  readonly power: number;
  readonly cosigner: Verifier;
  readonly log: Verifier;
}

export interface ChainIdentity {
  readonly origin: string;
  readonly witnesses: readonly ChainWitness[];
  /** The default policy's text, served unless governance voted another (`witness-policy`). */
  readonly defaultPolicyText: string;
  byNodeKey(nodeKey: string): ChainWitness | undefined;
}

export function chainOrigin(genesis: Genesis): string {
  const app = genesis.app as { witness?: { origin?: unknown } } | null;
  const origin = app?.witness?.origin;
  if (typeof origin === 'string' && isOrigin(origin)) return origin;
  return `carechain.local/${genesis.chainId}`;
}

/**
 * The smallest count k such that ANY k validators hold more than 2/3 of the power: tlog-policy groups
 * count members, not power, so the group's threshold is the count that is safe whichever k cosign.
 */
export function validatorThreshold(powers: readonly number[]): number {
  const total = powers.reduce((a, b) => a + b, 0);
  const ascending = [...powers].sort((a, b) => a - b);
  let sum = 0;
  for (let k = 1; k <= ascending.length; k++) {
    sum += ascending[k - 1]!;
    if (3 * sum > 2 * total) return k;
  }
  return ascending.length;
}

/**
 * The node keys that sign for the chain at the state's height: every node key of an active member
 * organisation, and every key of the validator set in force (a suspended or removed organisation's
 * validator still signs until the change that takes it out activates), in membership's order.
 */
function signingNodes(state: StateReader): {
  nodes: { orgId: string; nodeKey: string }[];
  power: Map<string, number>;
} {
  const validators = validatorSetFromState(state).validators;
  const power = new Map(validators.map((v) => [v.publicKey, v.power]));
  const nodes = organisationIds(state).flatMap((orgId) => {
    const active = isActiveMember(state, orgId);
    return (organisation(state, orgId)?.nodeKeys ?? [])
      .filter((nodeKey) => active || power.has(nodeKey))
      .map((nodeKey) => ({ orgId, nodeKey }));
  });
  // A chain without membership (a dev chain): its validators name themselves.
  for (const v of validators) {
    if (!nodes.some((n) => n.nodeKey === v.publicKey)) {
      nodes.push({ orgId: `validator-${v.publicKey.slice(0, 16)}`, nodeKey: v.publicKey });
    }
  }
  return { nodes, power };
}

/** The chain's witnesses and default policy as of `state`, the committed state of one height. */
export function chainIdentity(genesis: Genesis, state: StateReader): ChainIdentity {
  const origin = chainOrigin(genesis);
  const { nodes, power } = signingNodes(state);
  const seen = new Map<string, number>();
  const witnesses = nodes.map(({ orgId, nodeKey }): ChainWitness => {
    const n = (seen.get(orgId) ?? 0) + 1;
    seen.set(orgId, n);
    const key = fromHex(nodeKey);
    return {
      policyName: n === 1 ? orgId : `${orgId}-${n}`,
      orgId,
      nodeKey,
      power: power.get(nodeKey) ?? 0,
      cosigner: verifier(`${orgId}.${origin}`, SIG_COSIGNATURE_V1, key),
      log: verifier(origin, SIG_ED25519, key),
    };
  });
  const byKey = new Map(witnesses.map((w) => [w.nodeKey, w]));
  // A member whose key a passed vote has scheduled to validate enters the default policy at its
  // activation, in the validators group: until then it is left out (not made a non-voting member the
  // quorum would wait for while it syncs).
  const scheduled = validatorKeysAhead(state);
  return {
    origin,
    witnesses,
    defaultPolicyText: defaultPolicy(witnesses.filter((w) => w.power > 0 || !scheduled.has(w.nodeKey))),
    byNodeKey: (nodeKey) => byKey.get(nodeKey),
  };
}

function defaultPolicy(witnesses: readonly ChainWitness[]): string {
  const validators = witnesses.filter((w) => w.power > 0);
  const members = witnesses.filter((w) => w.power === 0);
  const lines = [
    '# carechain witness policy (c2sp.org/tlog-policy): every member node may sign as the log;',
    '# validators cosign with more than 2/3 of the power, non-voting members by a majority.',
    ...witnesses.map((w) => `log ${formatVkey(w.log)}`),
    ...witnesses.map((w) => `witness ${w.policyName} ${formatVkey(w.cosigner)}`),
    `group validators ${validatorThreshold(validators.map((v) => v.power))} ${validators.map((v) => v.policyName).join(' ')}`,
  ];
  if (members.length === 0) {
    lines.push('quorum validators');
  } else {
    const majority = Math.floor(members.length / 2) + 1;
    lines.push(`group members ${majority} ${members.map((m) => m.policyName).join(' ')}`);
    lines.push('group validators-and-members all validators members', 'quorum validators-and-members');
  }
  return `${lines.join('\n')}\n`;
}

/** The policy in force: the one governance voted (`witness-policy`), else the default. */
export function policyText(identity: ChainIdentity, state: StateReader): string {
  const voted = networkParameter(state, 'witness-policy');
  return typeof voted === 'string' ? voted : identity.defaultPolicyText;
}

export function policyInForce(identity: ChainIdentity, state: StateReader): WitnessPolicy {
  return parsePolicy(policyText(identity, state));
}
