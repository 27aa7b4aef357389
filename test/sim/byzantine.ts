// Byzantine behaviours. Each wraps a node running the real code and changes what leaves it: the
// engine's own logic stays as it is, so the faulty validator still signs with its real key and looks
// plausible. (A twin — a second node run with the same key — needs no hook: run.ts just starts one.)
import { encodeTx, txHashOfBytes } from '../../src/core/tx.ts';
import { signVote, type Vote } from '../../src/core/vote.ts';
import { signProposal } from '../../src/consensus/index.ts';
import type { SyncedBlock, WireMessage } from '../../src/node/consensus/wire.ts';
import { blockValue } from '../../src/node/consensus/wire.ts';
import { flipHexDigit, hashLabel } from './chain.ts';
import type { Behaviour, SimNode } from './node.ts';

export type ByzantineKind =
  'equivocate-proposer' | 'double-vote' | 'garbage-vote' | 'bad-signature' | 'replay' | 'silent' | 'bad-sync';

export const BYZANTINE_KINDS: readonly ByzantineKind[] = [
  'equivocate-proposer',
  'double-vote',
  'garbage-vote',
  'bad-signature',
  'replay',
  'silent',
  'bad-sync',
];

/** Splits a node's peers in two at random: the halves get conflicting messages. */
function halves(node: SimNode): [number[], number[]] {
  const peers = node.ctx.rng.shuffle(node.peers);
  const cut = Math.floor(peers.length / 2);
  return [peers.slice(0, cut), peers.slice(cut)];
}

function sendAll(node: SimNode, peers: readonly number[], message: WireMessage): void {
  for (const peer of peers) node.sendGossip(peer, message);
}

function garbageHash(node: SimNode): string {
  return hashLabel(`garbage ${node.id} ${node.ctx.rng.next()}`);
}

/**
 * Another block for the same height: half the txs (a valid block built by the real ledger), or, with
 * no txs to drop, the same block with a wrong app hash (an invalid one).
 */
function otherBlock(node: SimNode, m: WireMessage & { t: 'proposal' }): WireMessage & { t: 'proposal' } {
  const { block } = m;
  let alt = { ...block, header: { ...block.header, appHash: garbageHash(node) } };
  if (block.txs.length > 0 && node.ledger.tip().height + 1 === block.header.height) {
    const candidates = block.txs.slice(0, block.txs.length >> 1).map((tx) => {
      const encoded = encodeTx(tx);
      return { tx, encoded, hash: txHashOfBytes(encoded) };
    });
    alt = node.ledger.buildBlock(candidates, node.publicKey, block.lastCommit).prepared.block;
  }
  const value = blockValue(alt)!;
  const { signature: _s, ...body } = m.proposal;
  const proposal = signProposal(node.ledger.chainId, node.key.seed, { ...body, blockHash: value.hash });
  return { t: 'proposal', proposal, block: alt };
}

/** The node's own vote signed again, validly, for another block hash (null: nil): an equivocation. */
function revote(node: SimNode, vote: Vote, blockHash: string | null): WireMessage {
  const { signature: _s, ...body } = vote;
  return { t: 'vote', vote: signVote(node.ledger.chainId, node.key.seed, { ...body, blockHash }) };
}

/** Sends what `send` sends in place of each of the node's own votes; other messages go out as they are. */
function votesReplaced(
  kind: ByzantineKind,
  send: (node: SimNode, m: WireMessage & { t: 'vote' }) => void,
): Behaviour {
  return {
    name: kind,
    onBroadcast(node, m) {
      if (m.t !== 'vote') return false;
      send(node, m);
      return true;
    },
  };
}

export function behaviour(kind: ByzantineKind): Behaviour {
  switch (kind) {
    case 'equivocate-proposer':
      // Signs a second block for the same round and shows each half of the network a different one.
      return {
        name: kind,
        onBroadcast(node, m) {
          if (m.t !== 'proposal' || m.proposal.polRound !== -1) return false;
          const [a, b] = halves(node);
          sendAll(node, a, m);
          sendAll(node, b, otherBlock(node, m));
          return true;
        },
      };
    case 'double-vote':
      // Signs a conflicting vote for every vote: sometimes split between halves, sometimes both to all.
      return votesReplaced(kind, (node, m) => {
        const conflicting = revote(node, m.vote, m.vote.blockHash === null ? garbageHash(node) : null);
        if (node.ctx.rng.chance(0.5)) {
          const [a, b] = halves(node);
          sendAll(node, a, m);
          sendAll(node, b, conflicting);
        } else {
          sendAll(node, node.peers, m);
          sendAll(node, node.peers, conflicting);
        }
      });
    case 'garbage-vote':
      // Votes for blocks that do not exist.
      return votesReplaced(kind, (node, m) =>
        sendAll(node, node.peers, revote(node, m.vote, garbageHash(node))),
      );
    case 'bad-signature':
      // Sends messages whose signature does not match: a flipped signature, or a field changed after signing.
      return {
        name: kind,
        onBroadcast(node, m) {
          const { rng } = node.ctx;
          if (m.t === 'vote') {
            const badSig = { ...m.vote, signature: flipHexDigit(m.vote.signature, rng.int(128)) };
            const badField = { ...m.vote, blockHash: m.vote.blockHash === null ? garbageHash(node) : null };
            sendAll(node, node.peers, { t: 'vote', vote: rng.chance(0.5) ? badSig : badField });
            return true;
          }
          if (m.t === 'proposal') {
            const proposal = { ...m.proposal, signature: flipHexDigit(m.proposal.signature, rng.int(128)) };
            sendAll(node, node.peers, { ...m, proposal });
            return true;
          }
          return false;
        },
      };
    case 'replay':
      return replayer();
    case 'silent':
      return { name: kind, onBroadcast: (_node, m) => m.t === 'vote' || m.t === 'proposal' };
    case 'bad-sync':
      return badSync();
  }
}

/** Behaves honestly, but also keeps old messages it saw and replays them to random peers later. */
function replayer(): Behaviour {
  const seen: unknown[] = [];
  return {
    name: 'replay',
    onReceive(node, _from, message) {
      const t = (message as { t?: unknown }).t;
      if (t !== 'vote' && t !== 'proposal') return;
      if (seen.length < 500) seen.push(message);
      else seen[node.ctx.rng.int(seen.length)] = message;
    },
    onBroadcast(node, m) {
      if (m.t !== 'status') return false;
      for (let i = 0; i < 5 && seen.length > 0; i++) {
        const peer = node.ctx.rng.pick(node.peers);
        node.ctx.network.send(node.id, peer, { kind: 'gossip', message: node.ctx.rng.pick(seen) });
      }
      return false;
    },
  };
}

/**
 * Votes honestly but lies to block sync: it claims to be further ahead than it is, so peers ask it for
 * blocks, and answers with something a peer must refuse — not a list, garbage entries, a commit for
 * another block, a block whose txs were changed under its header, a header changed under its commit,
 * or a block with a commit it forged alone.
 */
function badSync(): Behaviour {
  return {
    name: 'bad-sync',
    onBroadcast(node, m) {
      if (m.t !== 'status') return false;
      const lie = { ...m, height: m.height + node.ctx.rng.range(1, 5) };
      sendAll(node, node.peers, lie);
      return true;
    },
    answerRequest(node, method, params, honest) {
      if (method !== 'blocks') return honest;
      const entries = Array.isArray(honest) ? (honest as SyncedBlock[]) : [];
      const rng = node.ctx.rng;
      const variants: (() => unknown)[] = [
        () => ({ blocks: entries }),
        () => [{ block: 42, commit: null }],
        () => [{ block: { header: { height: 'x' }, txs: [] }, commit: {} }],
      ];
      if (entries.length > 0) {
        const i = rng.int(entries.length);
        const e = entries[i]!;
        const other = entries[(i + 1) % entries.length]!;
        const swapped =
          entries.length > 1
            ? { ...e, commit: other.commit }
            : { ...e, commit: { ...e.commit, height: e.commit.height + 1 } };
        const withTxs = e.block.txs.length > 0 ? e.block.txs.slice(1) : [...other.block.txs, ...e.block.txs];
        const tampered = { ...e, block: { ...e.block, txs: withTxs } };
        const header = { ...e.block.header, appHash: garbageHash(node) };
        const reheaded = { ...e, block: { ...e.block, header } };
        const hash = blockValue({ ...e.block, header })!.hash;
        const ownSignature = e.commit.signatures.filter((s) => s.validator === node.publicKey);
        const forged = { ...reheaded, commit: { ...e.commit, blockHash: hash, signatures: ownSignature } };
        const splice = (bad: SyncedBlock) => [...entries.slice(0, i), bad, ...entries.slice(i + 1)];
        variants.push(
          () => splice(swapped),
          () => splice(tampered),
          () => splice(reheaded),
          () => splice(forged),
        );
      }
      return rng.pick(variants)();
    },
  };
}
