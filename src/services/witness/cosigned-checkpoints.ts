// GET /checkpoint's signed note (issue 15): the checkpoint of a committed height as c2sp.org
// tlog-checkpoint text, signed by this node as the log and cosigned (cosignature/v1) by enough member
// nodes to meet the witness policy. Each member node cosigns any committed height on request, at the
// block's own time (so the cosignature is deterministic: Ed25519 is, and so is BFT time), and the
// cosignatures travel by pull: every `pullIntervalMs` a node asks its connected peers for the lines
// they hold at its tip height (one P2P request per peer, no change to the gossip wire). Every line
// received is verified against the node's OWN checkpoint text for that height before it is kept, so a
// peer on a fork cannot add anything; at most HEIGHTS_KEPT heights are held, one line per member node.
import type { Logger } from 'pino';
import { fromHex } from '../../core/bytes.ts';
import {
  cosignLine,
  formatCheckpoint,
  formatNote,
  parseNote,
  parsePolicy,
  signNoteLine,
  verifyCheckpointNote,
  verifyNote,
  type WitnessPolicy,
} from '../../core/c2sp/index.ts';
import type { CarechainNode } from '../../node/node.ts';
import { ServiceError } from '../errors.ts';
import { chainIdentity, policyText, type ChainIdentity, type ChainWitness } from './identity.ts';

/** The P2P request a node answers with the cosignature lines it holds at a height. */
export const COSIGNATURES_METHOD = 'c2sp.cosignatures';
/** Heights whose cosignatures are held while they are gathered. */
const HEIGHTS_KEPT = 16;

export interface CosignedCheckpoint {
  readonly height: number;
  readonly size: number;
  /** The signed note: checkpoint text, the log's signature, the cosignatures. */
  readonly note: string;
}

export class CosignedCheckpoints {
  private readonly node: CarechainNode;
  private readonly logger: Logger;
  private readonly pullIntervalMs: number;
  /** The identity as of the tip it was read at: governance changes it only by a commit. */
  private identityAt: { readonly height: number; readonly identity: ChainIdentity } | undefined;
  /** height → node key → cosignature line. */
  private readonly lines = new Map<number, Map<string, string>>();
  private readonly texts = new Map<number, string>();
  private latestMet: CosignedCheckpoint | undefined;
  private policy: { text: string; parsed: WitnessPolicy } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pulling = false;

  constructor(node: CarechainNode, options: { pullIntervalMs?: number }, deps: { logger: Logger }) {
    this.node = node;
    this.logger = deps.logger;
    this.pullIntervalMs = options.pullIntervalMs ?? 500;
  }

  /**
   * Who signs for the chain at the tip: the members and validator set of the tip's committed state, so
   * a member voted in cosigns from its admission and a validator voted out stops counting (issue 15).
   * Read once per height.
   */
  get identity(): ChainIdentity {
    const height = this.node.ledger.tip().height;
    if (this.identityAt?.height !== height) {
      this.identityAt = { height, identity: chainIdentity(this.node.ledger.genesis, this.node.ledger.state) };
    }
    return this.identityAt.identity;
  }

  /** This node as a witness at the tip; undefined while its key is no member's node key. */
  get me(): ChainWitness | undefined {
    return this.identity.byNodeKey(this.node.key.publicKey);
  }

  /** Answers peers' requests and starts gathering; call after the node has started. */
  start(): void {
    this.node.network?.handleRequests(COSIGNATURES_METHOD, (_from, params) =>
      Promise.resolve(this.answer(params)),
    );
    this.timer = setInterval(() => void this.pull(), this.pullIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  /** The checkpoint text of a committed height: origin, log size, base64 log root. */
  checkpointText(height: number): string {
    const cached = this.texts.get(height);
    if (cached !== undefined) return cached;
    const header = this.node.ledger.block(height)?.block.header;
    if (header === undefined) throw new ServiceError('checkpoint.not_found', `no block at height ${height}`);
    const text = formatCheckpoint({
      origin: this.identity.origin,
      size: header.logSize,
      rootHash: fromHex(header.logRoot),
    });
    if (this.texts.size >= HEIGHTS_KEPT * 2) this.texts.delete(this.texts.keys().next().value!);
    this.texts.set(height, text);
    return text;
  }

  /** This node's cosignature of a committed height, dated with the block's time. */
  private ownLine(height: number): string | undefined {
    const me = this.me;
    if (me === undefined) return undefined;
    const header = this.node.ledger.block(height)?.block.header;
    if (header === undefined) return undefined;
    return cosignLine(
      this.node.key.seed,
      me.cosigner,
      this.checkpointText(height),
      Math.floor(header.timeMs / 1000),
    );
  }

  private linesAt(height: number): Map<string, string> {
    let held = this.lines.get(height);
    if (held === undefined) {
      held = new Map();
      this.lines.set(height, held);
      for (const old of [...this.lines.keys()].filter((h) => h <= height - HEIGHTS_KEPT))
        this.lines.delete(old);
      const own = this.ownLine(height);
      if (own !== undefined) held.set(this.node.key.publicKey, own);
    }
    return held;
  }

  /** A peer's answer to COSIGNATURES_METHOD: the lines held at a committed height (own one included). */
  answer(params: unknown): { height: number; lines: string[] } {
    const height = (params as { height?: unknown } | null)?.height;
    if (typeof height !== 'number' || !Number.isSafeInteger(height) || height < 1) {
      throw new ServiceError('c2sp.malformed', 'params are { height }');
    }
    if (height > this.node.ledger.tip().height) return { height, lines: [] };
    const held = this.lines.get(height);
    if (held !== undefined) return { height, lines: [...held.values()] };
    const own = this.ownLine(height);
    return { height, lines: own === undefined ? [] : [own] };
  }

  /** Keeps each line that verifies as a member node's cosignature of OUR text at that height. */
  private receive(height: number, lines: unknown): void {
    if (!Array.isArray(lines) || height > this.node.ledger.tip().height) return;
    const text = this.checkpointText(height);
    const { witnesses } = this.identity;
    const cosigners = witnesses.map((w) => w.cosigner);
    const held = this.linesAt(height);
    for (const line of lines.slice(0, witnesses.length)) {
      if (typeof line !== 'string' || line.length > 512) continue;
      try {
        const [ok] = verifyNote(parseNote(`${text}\n${line}`), cosigners);
        const witness = witnesses.find((w) => w.cosigner === ok?.verifier);
        if (witness !== undefined) held.set(witness.nodeKey, line.endsWith('\n') ? line : `${line}\n`);
      } catch {
        // A line that fails, or of a key we do not know: dropped (a peer on a fork signs other text).
      }
    }
  }

  /** One round: ask each connected peer whose line we lack at our tip. */
  async pull(): Promise<void> {
    const network = this.node.network;
    const height = this.node.ledger.tip().height;
    if (height === 0 || this.pulling) return;
    this.pulling = true;
    try {
      const held = this.linesAt(height);
      const peers = (network?.peers() ?? []).filter((p) => p.connected && !held.has(p.publicKey));
      await Promise.all(
        peers.map(async (peer) => {
          try {
            const answer = (await network!.request(peer.publicKey, COSIGNATURES_METHOD, { height })) as {
              lines?: unknown;
            };
            this.receive(height, answer?.lines);
          } catch {
            // A peer that is behind, restarting or slow is asked again next round.
          }
        }),
      );
    } catch (err) {
      this.logger.warn({ err }, 'gathering checkpoint cosignatures failed');
    } finally {
      this.pulling = false;
    }
  }

  policyInForce(): { text: string; parsed: WitnessPolicy } {
    const text = policyText(this.identity, this.node.ledger.state);
    if (this.policy?.text !== text) this.policy = { text, parsed: parsePolicy(text) };
    return this.policy;
  }

  private noteAt(height: number): string | undefined {
    const me = this.me;
    if (me === undefined) return undefined;
    const text = this.checkpointText(height);
    const held = this.linesAt(height);
    // In the policy's order, so the note reads the same from every node; a key voted out is left out.
    const cosignatures = this.identity.witnesses.flatMap((w) => {
      const line = held.get(w.nodeKey);
      return line === undefined ? [] : [line];
    });
    return formatNote(text, [signNoteLine(this.node.key.seed, me.log, text), ...cosignatures]);
  }

  /** The latest checkpoint whose cosignatures meet the policy in force; 404 checkpoint.none before one. */
  latest(): CosignedCheckpoint {
    const policy = this.policyInForce().parsed;
    const tip = this.node.ledger.tip().height;
    const candidates = [...this.lines.keys()].filter((h) => h <= tip).sort((a, b) => b - a);
    if (tip > 0 && !this.lines.has(tip)) candidates.unshift(tip);
    for (const height of candidates) {
      if (this.latestMet !== undefined && height <= this.latestMet.height) break;
      const note = this.noteAt(height);
      if (note === undefined) break;
      try {
        const { checkpoint } = verifyCheckpointNote(note, policy);
        this.latestMet = { height, size: checkpoint.size, note };
        break;
      } catch {
        // Not yet a quorum at this height; an older one may have it.
      }
    }
    if (this.latestMet === undefined) {
      throw new ServiceError('checkpoint.none', 'no checkpoint has a quorum of cosignatures yet');
    }
    return this.latestMet;
  }
}
