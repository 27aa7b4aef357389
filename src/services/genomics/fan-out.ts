// Fan-out (issue 19 §4): a query that reaches one member beacon is answered for the whole network. The
// beacon it reached (the entry) decides from the chain alone which genomes, at every custodian, the stated
// use may count, commits ONE spend for them all against the researcher's network-wide budget, and only
// then asks each other custodian, over the node-to-node channel (mutual TLS, node keys pinned to the
// chain), to look at its own genomes. The custodian takes nothing on the entry's word:
//   - the spend must be final on its own copy of the chain, signed by the node that asks, recent, and
//     bound to this very question (its queryHash commits to a fresh nonce, the researchers, the variant,
//     the stated use and whether records were granted, so no guessed variant can be tested against it);
//   - a spend buys one look at each custodian: a second ask with the same spend is refused;
//   - it counts only genomes that spend paid for (listed, or in the declared set it names), held here,
//     still active, and whose DUO terms and person's research consent allow the stated use at its own
//     latest height (a withdrawal between the spend and the look already takes the person out).
// It answers a count (and, if records were granted, its per-researcher individual ids), never which
// genomes carry the variant: the entry applies the low-count policy to the network's total.
import { useAllowedFor, type StatedUse } from '../../app/genomics/duo/match.ts';
import { RESEARCHER_IDENTITIES_MAX, SPEND_DATASETS_MAX } from '../../app/genomics/handlers.ts';
import { readDatasetSet, readGenomeDataset, readResearchConsent } from '../../app/genomics/keys.ts';
import type { StateReader } from '../../app/state.ts';
import { actorOf } from '../../app/membership/queries.ts';
import { askOrganisation } from '../ask-organisation.ts';
import { concatBytes, isHex, toHex, utf8 } from '../../core/bytes.ts';
import { canonicalBytes } from '../../core/canonical.ts';
import { sha256 } from '../../core/crypto/index.ts';
import type { Clock } from '../../node/env.ts';
import type { CarechainNode } from '../../node/node.ts';
import { checkVariant, type VariantQuery } from './variant-query.ts';
import { untilFound } from '../chain-wait.ts';

/** The node-to-node request a custodian answers with its count. */
export const BEACON_LOOK_METHOD = 'genomics.look';
/** A query asks at most this many custodians (its own organisation included). */
export const FAN_OUT_CUSTODIANS_MAX = 16;
/** A spend older than this many blocks buys no look: an entry cannot hoard spends. */
export const SPEND_AGE_BLOCKS_MAX = 100;

/** What the spend's queryHash commits to: a custodian recomputes it from the request. */
export interface QueryBinding {
  /** Fresh per query (hex): the hash on chain cannot be tested against a guessed variant. */
  readonly nonce: string;
  readonly researchers: readonly string[];
  readonly variant: VariantQuery;
  readonly use: StatedUse;
  readonly records: boolean;
}

export function spendQueryHash({ nonce, researchers, variant, use, records }: QueryBinding): string {
  // Exactly the binding's fields: a look request carries more (the spend's hash, its datasets).
  const bytes = canonicalBytes({ nonce, researchers, variant, use, records });
  return toHex(sha256(concatBytes(utf8('carechain/v1/genomics/query\n'), bytes)));
}

export interface LookRequest extends QueryBinding {
  readonly spendTxHash: string;
  /** The genomes at this custodian that the spend paid for. */
  readonly datasets: readonly string[];
}

export interface LookAnswer {
  readonly count: number;
  /** Record granularity only: one per carrier, per researcher (never the dataset id). */
  readonly individualIds?: readonly string[];
}

/** What the custodian side needs of its beacon: its own index and its own pseudonymous ids. */
export interface LocalLook {
  carriersHere(variant: VariantQuery, datasets: ReadonlySet<string>): string[];
  individualIds(carriers: readonly string[], researchers: readonly string[]): string[];
  /** True once per spend, durably (GenomeStore.claimSpend): a restart does not sell a second look. */
  claimSpend(spendTx: string, spendHeight: number, forgetAtOrBelow: number): boolean;
}

export interface CustodianLook {
  /** The custodian's node that answered ('' if none did). */
  readonly nodeKey: string;
  /** Undefined when no node of the custodian answered with something well-formed. */
  readonly answer: LookAnswer | undefined;
}

/**
 * Entry side: asks the custodian's nodes in turn. Each request is bounded by the transport's timeout; a
 * node that refuses or times out is followed by the organisation's next one (a refusal there is final:
 * the spend bought one look, so the next node refuses too and the custodian simply goes unanswered).
 */
export async function askCustodian(
  node: CarechainNode,
  orgId: string,
  request: LookRequest,
): Promise<CustodianLook> {
  // The first node that answers speaks for the custodian: a malformed answer is that custodian's,
  // whichever of its nodes sent it (its next node is not asked).
  const look = await askOrganisation(node, orgId, BEACON_LOOK_METHOD, request, (answer, nodeKey) => ({
    nodeKey,
    answer: wellFormed(answer, request) ? answer : undefined,
  }));
  return look ?? { nodeKey: '', answer: undefined };
}

/** The custodian is another institution: its answer is checked like any peer input. */
function wellFormed(answer: unknown, request: LookRequest): answer is LookAnswer {
  if (typeof answer !== 'object' || answer === null) return false;
  const { count, individualIds } = answer as { count?: unknown; individualIds?: unknown };
  if (!Number.isSafeInteger(count) || (count as number) < 0 || (count as number) > request.datasets.length)
    return false;
  if (individualIds === undefined) return true;
  return (
    request.records &&
    Array.isArray(individualIds) &&
    individualIds.length === count &&
    individualIds.every((id) => isHex(id, 16))
  );
}

export class LookRefusal extends Error {}

/** Custodian side: one look, paid for by a final spend of the node that asks. */
export class LookServer {
  constructor(
    private readonly node: CarechainNode,
    private readonly local: LocalLook,
    private readonly clock: Clock,
  ) {}

  async serve(fromNodeKey: string, params: unknown): Promise<LookAnswer> {
    const request = parseLook(params);
    const { state } = this.node.ledger;
    const self = actorOf(state, this.node.key.publicKey);
    if (actorOf(state, fromNodeKey).kind !== 'node' || self.kind !== 'node') {
      throw new LookRefusal('only a member node asks a beacon to look');
    }
    const spend = await this.finalSpend(request.spendTxHash);
    const payload = spend.tx.payload as SpendPayload;
    if (spend.tx.type !== 'genomics.spendBudget' || spend.tx.signer !== fromNodeKey) {
      throw new LookRefusal('the spend is not this node’s');
    }
    if (this.node.ledger.tip().height - spend.height > SPEND_AGE_BLOCKS_MAX) {
      throw new LookRefusal('the spend is too old');
    }
    const researchers = Array.isArray(payload.researchers) ? payload.researchers : [];
    if (
      payload.queryHash !== spendQueryHash(request) ||
      researchers.join(',') !== request.researchers.join(',')
    ) {
      throw new LookRefusal('the spend was not for this question');
    }
    const tooOld = this.node.ledger.tip().height - SPEND_AGE_BLOCKS_MAX - 1;
    if (!this.local.claimSpend(request.spendTxHash, spend.height, tooOld)) {
      throw new LookRefusal('the spend bought one look');
    }

    const paid = paidDatasets(state, payload);
    const nowMs = this.clock.nowMs();
    const countable = request.datasets.filter((datasetId) => {
      const dataset = readGenomeDataset(state, datasetId);
      if (!paid.has(datasetId) || dataset?.status !== 'active' || dataset.orgId !== self.orgId) return false;
      const consent = readResearchConsent(state, dataset.patient);
      return useAllowedFor(dataset.dataUse, consent?.dataUse, request.use, nowMs).allowed;
    });
    const carriers = this.local.carriersHere(request.variant, new Set(countable));
    return {
      count: carriers.length,
      ...(request.records ? { individualIds: this.local.individualIds(carriers, request.researchers) } : {}),
    };
  }

  private async finalSpend(txHash: string) {
    // The entry committed the spend before it asked; this node may be a block behind it.
    const stored = await untilFound(() => this.node.ledger.tx(txHash));
    if (stored === undefined) throw new LookRefusal('no such spend is final here');
    return stored;
  }
}

interface SpendPayload {
  readonly queryHash?: unknown;
  readonly researchers?: unknown;
  readonly datasets?: unknown;
  readonly datasetSet?: unknown;
}

/** The genomes a final spend paid for: those it lists, or those of the declared set it names. */
function paidDatasets(state: StateReader, payload: SpendPayload): ReadonlySet<string> {
  if (typeof payload.datasetSet === 'string') {
    return new Set(readDatasetSet(state, payload.datasetSet)?.datasets ?? []);
  }
  return new Set(Array.isArray(payload.datasets) ? (payload.datasets as string[]) : []);
}

/** A peer's request, its shape checked before anything reads it. */
function parseLook(params: unknown): LookRequest {
  const p = (typeof params === 'object' && params !== null ? params : {}) as Record<string, unknown>;
  const ids = (value: unknown, max: number) =>
    Array.isArray(value) && value.length <= max && value.every((id) => isHex(id, 32));
  const use = p.use as StatedUse | undefined;
  if (
    !isHex(p.spendTxHash, 32) ||
    !isHex(p.nonce, 16) ||
    !ids(p.researchers, RESEARCHER_IDENTITIES_MAX) ||
    !ids(p.datasets, SPEND_DATASETS_MAX) ||
    typeof p.records !== 'boolean' ||
    typeof use !== 'object' ||
    use === null ||
    typeof use.purpose !== 'object' ||
    use.purpose === null ||
    typeof p.variant !== 'object' ||
    p.variant === null
  ) {
    throw new LookRefusal('a malformed look');
  }
  checkVariant(p.variant as VariantQuery);
  return p as unknown as LookRequest;
}
