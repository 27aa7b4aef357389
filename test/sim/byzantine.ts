// Byzantine behaviours. Each wraps an honest engine and changes what leaves the node: the engine's own
// logic stays as it is, so the faulty validator still signs with its real key and looks plausible.
// (A twin — a second node run with the same key — needs no hook: scenarios.ts just starts one.)
import { signVote } from '../../src/core/vote.ts';
import { signProposal, type ConsensusMessage } from '../../src/consensus/index.ts';
import { hashLabel, makeBlock, type SimBlock } from './app.ts';
import type { Behaviour, SimNode, Wire } from './node.ts';

export type ByzantineKind =
  'equivocate-proposer' | 'double-vote' | 'garbage-vote' | 'bad-signature' | 'replay' | 'silent';

export const BYZANTINE_KINDS: readonly ByzantineKind[] = [
  'equivocate-proposer',
  'double-vote',
  'garbage-vote',
  'bad-signature',
  'replay',
  'silent',
];

/** Splits a node's peers in two at random: the halves get conflicting messages. */
function halves(node: SimNode): [number[], number[]] {
  const peers = node.ctx.rng.shuffle(node.peers);
  const cut = Math.floor(peers.length / 2);
  return [peers.slice(0, cut), peers.slice(cut)];
}

function sendAll(node: SimNode, peers: readonly number[], message: ConsensusMessage<SimBlock>): void {
  for (const peer of peers) node.sendTo(peer, { kind: 'consensus', message });
}

function flipHexDigit(hex: string, at: number): string {
  const c = hex[at] === '0' ? '1' : '0';
  return hex.slice(0, at) + c + hex.slice(at + 1);
}

function garbageHash(node: SimNode): string {
  return hashLabel(`garbage ${node.id} ${node.ctx.rng.next()}`);
}

export function behaviour(kind: ByzantineKind): Behaviour {
  switch (kind) {
    case 'equivocate-proposer':
      // Signs a second block for the same round and shows each half of the network a different one.
      return {
        name: kind,
        onBroadcast(node, m) {
          if (m.kind !== 'proposal' || node.seed === undefined || m.proposal.polRound !== -1) return false;
          // The other block drops half the txs (a valid block), or, with no txs to drop, adds an invalid one.
          const { hash: _h, timeMs: _t, ...fields } = m.value;
          const txs = fields.txs.length > 0 ? fields.txs.slice(0, fields.txs.length >> 1) : ['bad-byz'];
          const altValue = makeBlock({ ...fields, txs }, node.ctx.set);
          const { signature: _s, ...body } = m.proposal;
          const proposal = signProposal(node.ctx.chainId, node.seed, { ...body, blockHash: altValue.hash });
          const [a, b] = halves(node);
          sendAll(node, a, m);
          sendAll(node, b, { kind: 'proposal', proposal, value: altValue });
          return true;
        },
      };
    case 'double-vote':
      // Signs a conflicting vote for every vote: sometimes split between halves, sometimes both to all.
      return {
        name: kind,
        onBroadcast(node, m) {
          if (m.kind !== 'vote' || node.seed === undefined) return false;
          const { signature: _s, ...body } = m.vote;
          const other = signVote(node.ctx.chainId, node.seed, {
            ...body,
            blockHash: body.blockHash === null ? garbageHash(node) : null,
          });
          const conflicting: ConsensusMessage<SimBlock> = { kind: 'vote', vote: other };
          if (node.ctx.rng.chance(0.5)) {
            const [a, b] = halves(node);
            sendAll(node, a, m);
            sendAll(node, b, conflicting);
          } else {
            sendAll(node, node.peers, m);
            sendAll(node, node.peers, conflicting);
          }
          return true;
        },
      };
    case 'garbage-vote':
      // Votes for blocks that do not exist.
      return {
        name: kind,
        onBroadcast(node, m) {
          if (m.kind !== 'vote' || node.seed === undefined) return false;
          const { signature: _s, ...body } = m.vote;
          const vote = signVote(node.ctx.chainId, node.seed, { ...body, blockHash: garbageHash(node) });
          sendAll(node, node.peers, { kind: 'vote', vote });
          return true;
        },
      };
    case 'bad-signature':
      // Sends messages whose signature does not match: a flipped signature, or a field changed after signing.
      return {
        name: kind,
        onBroadcast(node, m) {
          if (m.kind === 'vote') {
            const badSig = { ...m.vote, signature: flipHexDigit(m.vote.signature, node.ctx.rng.int(128)) };
            const badField = { ...m.vote, blockHash: m.vote.blockHash === null ? garbageHash(node) : null };
            sendAll(node, node.peers, { kind: 'vote', vote: node.ctx.rng.chance(0.5) ? badSig : badField });
          } else {
            const proposal = {
              ...m.proposal,
              signature: flipHexDigit(m.proposal.signature, node.ctx.rng.int(128)),
            };
            sendAll(node, node.peers, { ...m, proposal });
          }
          return true;
        },
      };
    case 'replay':
      return replayer();
    case 'silent':
      return { name: kind, onBroadcast: () => true };
  }
}

/** Behaves honestly, but also keeps old messages it saw and replays them to random peers later. */
function replayer(): Behaviour {
  const seen: Wire[] = [];
  return {
    name: 'replay',
    onReceive(node, _from, wire) {
      if (wire.kind !== 'consensus') return;
      if (seen.length < 500) seen.push(wire);
      else seen[node.ctx.rng.int(seen.length)] = wire;
    },
    onGossipTick(node) {
      for (let i = 0; i < 5 && seen.length > 0; i++)
        node.sendTo(node.ctx.rng.pick(node.peers), node.ctx.rng.pick(seen));
    },
  };
}
