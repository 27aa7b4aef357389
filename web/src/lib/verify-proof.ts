// The explorer's "Verify": checks, in the browser and trusting only the genesis document, that a tx is
// in the ledger. Each step is reported, passed or failed, so a person can see what was checked:
//   1. genesis: it parses, and its hash is computed here (compare it with one you got out of band);
//   2. the tx: it hashes to the hash asked about, and its signature verifies (core checkTxStateless);
//   3. the checkpoint's header hashes to the block hash it claims, on this chain
//      (core verifyCheckpointHeader);
//   4. the validators: the set in force at the checkpoint's height, followed from genesis through every
//      set change governance made, each checked against the commit of the set before it
//      (core followValidatorSets; issue 15), and the header names that set;
//   5. the commit: precommits for that block hash from more than 2/3 of that set's power
//      (core verifyCheckpointCommit; each signer listed);
//   6. the inclusion proof: the leaf hash computed here from the tx bytes, with the audit path, gives the
//      log root the signed header binds (RFC 9162 §2.1.3.2, core verifyInclusion).
// Nothing the node says is taken on trust: the proof's own leafHash and treeSize are compared, not used.
// Pure: no DOM, no fetch; the page fetches and this decides (and Node tests it).
import { fromHex, isHex, toHex } from '../../../src/core/bytes.ts';
import { genesisHash, parseGenesis } from '../../../src/core/genesis.ts';
import { leafHash, verifyInclusion } from '../../../src/core/merkle/index.ts';
import { checkTxStateless, encodeTx, txHash, type SignedTx } from '../../../src/core/tx.ts';
import { followValidatorSets, type ValidatorSetChangeProof } from '../../../src/core/set-changes.ts';
import type { RecoveryElector } from '../../../src/core/recovery.ts';
import { genesisElectorate } from '../../../src/app/governance/recovery.ts';
import { validatorSetHash, type ValidatorSet } from '../../../src/core/validators.ts';
import { verifyVoteSignature } from '../../../src/core/vote.ts';
import {
  verifyCheckpointCommit,
  verifyCheckpointHeader,
  type InclusionProofAnswer,
} from '../../../src/core/checkpoint.ts';

export interface Step {
  readonly id: 'genesis' | 'tx' | 'signature' | 'header' | 'validators' | 'commit' | 'inclusion';
  readonly label: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface VerifyInput {
  /** The genesis document as fetched once (GET /api/v1/genesis). */
  readonly genesis: unknown;
  /** The hash the user asked about. */
  readonly txHash: string;
  /** The tx as the node returned it (GET /api/v1/txs/:hash → tx). */
  readonly tx: unknown;
  /** What the node serves (GET /api/v1/proofs/inclusion/:txHash), checked here without trusting it. */
  readonly proof: InclusionProofAnswer;
  /**
   * The validator-set changes up to the checkpoint (GET /api/v1/governance/validator-sets), each checked
   * here against the set before it; none: the checkpoint must be signed by genesis' set.
   */
  readonly setChanges?: readonly ValidatorSetChangeProof[];
}

function short(hex: string): string {
  return hex.length > 16 ? `${hex.slice(0, 16)}…` : hex;
}

function attempt(fn: () => string): { ok: boolean; detail: string } {
  try {
    return { ok: true, detail: fn() };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : 'failed' };
  }
}

export function verifyTxProof(input: VerifyInput): Step[] {
  const steps: Step[] = [];
  let genesisSet: ValidatorSet | undefined;
  let electorate: RecoveryElector[] = [];
  let set: ValidatorSet | undefined;
  let chainId = '';
  const g = attempt(() => {
    const parsed = parseGenesis(input.genesis);
    genesisSet = parsed.validatorSet;
    electorate = genesisElectorate(parsed.genesis);
    set = genesisSet;
    chainId = parsed.genesis.chainId;
    const names = set.validators.map((v) => v.name || short(v.publicKey)).join(', ');
    return `chain ${chainId}, genesis hash ${genesisHash(parsed.genesis)}; validators: ${names}`;
  });
  steps.push({ id: 'genesis', label: 'Genesis document parsed; trusted validator keys taken from it', ...g });

  let leaf: Uint8Array | undefined;
  const t = attempt(() => {
    const tx = input.tx as SignedTx;
    const computed = txHash(tx);
    if (computed !== input.txHash)
      throw new Error(`the tx hashes to ${short(computed)}, not ${short(input.txHash)}`);
    leaf = leafHash(encodeTx(tx));
    if (toHex(leaf) !== input.proof.leafHash) throw new Error('the proof names another leaf than this tx');
    return `hash ${short(computed)}: ${tx.type}, nonce ${tx.nonce}`;
  });
  steps.push({ id: 'tx', label: 'Transaction content matches its hash', ...t });
  const sig = attempt(() => {
    // Shape, chain id and the Ed25519 signature under the pinned rule (core/crypto/ed25519-rule.ts).
    const { tx } = checkTxStateless(input.tx, chainId || 'unknown');
    return `signed by ${short(tx.signer)} for chain ${tx.chainId}`;
  });
  steps.push({ id: 'signature', label: 'Transaction signature verifies (Ed25519)', ...sig });

  const cp = input.proof.checkpoint;
  const h = attempt(() => {
    verifyCheckpointHeader(chainId, cp);
    return `block ${cp.header.height} (${short(cp.blockHash)}): log size ${cp.header.logSize}, root ${short(cp.header.logRoot)}`;
  });
  steps.push({ id: 'header', label: 'Checkpoint header hashes to its block hash', ...h });

  const v = attempt(() => {
    if (genesisSet === undefined) throw new Error('no genesis validators');
    const changes = (input.setChanges ?? []).filter((c) => c.announcement.height < cp.header.height);
    // Until the changes check out, the commit step is judged against no set at all.
    set = undefined;
    const inForce = followValidatorSets(chainId, genesisSet, changes, electorate).setAt(cp.header.height);
    const expected = validatorSetHash(inForce);
    if (cp.header.validatorSetHash !== expected) {
      throw new Error(
        changes.length === 0
          ? 'the block names another validator set than genesis, and no checked change leads to it'
          : 'the block names another validator set than the one the checked changes lead to',
      );
    }
    set = inForce;
    return changes.length === 0
      ? `validator set ${short(expected)} is the genesis set`
      : `validator set ${short(expected)}, followed from genesis through ${changes.length} change${changes.length === 1 ? '' : 's'}, each signed by the set before it (or, for a recovery, by more than 2/3 of genesis' member organisations)`;
  });
  steps.push({
    id: 'validators',
    label: 'Block was made by the validator set in force at its height, followed from genesis',
    ...v,
  });

  const c = attempt(() => {
    if (set === undefined) throw new Error('no trusted validator set for this height');
    const commit = cp.commit;
    verifyCheckpointCommit(chainId, set, cp);
    const signers = commit.signatures.map((s) => {
      const ok = verifyVoteSignature(chainId, {
        type: 'precommit',
        height: commit.height,
        round: commit.round,
        blockHash: commit.blockHash,
        timeMs: s.timeMs,
        validator: s.validator,
        signature: s.signature,
      });
      const name = set!.validators.find((x) => x.publicKey === s.validator)?.name ?? short(s.validator);
      return `${ok ? '✓' : '✗'} ${name}`;
    });
    const power = commit.signatures.reduce(
      (sum, s) => sum + (set!.validators.find((x) => x.publicKey === s.validator)?.power ?? 0),
      0,
    );
    return `${signers.join(', ')}: power ${power} of ${set.totalPower} (more than 2/3 needed)`;
  });
  steps.push({ id: 'commit', label: 'Checkpoint signed by more than 2/3 of the validators', ...c });

  const i = attempt(() => {
    const p = input.proof;
    if (leaf === undefined) throw new Error('no leaf: the tx did not check out');
    if (p.treeSize !== cp.header.logSize)
      throw new Error('the proof is for another tree size than the header');
    if (!p.auditPath.every((x) => isHex(x, 32)) || !isHex(cp.header.logRoot, 32)) {
      throw new Error('the proof is malformed');
    }
    const ok = verifyInclusion(
      leaf,
      p.leafIndex,
      cp.header.logSize,
      p.auditPath.map(fromHex),
      fromHex(cp.header.logRoot),
    );
    if (!ok) throw new Error('the audit path does not lead to the signed log root');
    return `leaf ${p.leafIndex} of ${cp.header.logSize}, ${p.auditPath.length} hashes to root ${short(cp.header.logRoot)}`;
  });
  steps.push({ id: 'inclusion', label: 'Inclusion proof leads to the signed log root (RFC 9162)', ...i });
  return steps;
}
