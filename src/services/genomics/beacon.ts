// The beacon's answer (issue 19 §3–§5), for the whole network, in the order that keeps it safe: first
// decide who may be counted from the chain alone (an active genome at any custodian, whose dataset's DUO
// terms and person's own research consent both allow the stated use), then price the query and commit ONE
// spend against the researcher's one network-wide budget, and only then look: here at this custodian's
// genomes, and at each other custodian through fan-out.ts, which checks the spend before it looks. A
// refused spend (429) has looked at nothing; a withdrawn consent drops the person from the next query on.
import { useAllowedFor, type StatedUse } from '../../app/genomics/duo/match.ts';
import { SPEND_DATASETS_MAX } from '../../app/genomics/handlers.ts';
import {
  datasetSetId,
  readDatasetSet,
  readQueryBudget,
  readResearchConsent,
  type GenomeDataset,
  type ResearchConsent,
} from '../../app/genomics/keys.ts';
import { lowCountInformationBits, shownCount, type LowCountPolicy } from '../../app/genomics/low-counts.ts';
import { alleleFromVcf, alleleId, type Allele } from '../../app/genomics/vrs/allele.ts';
import { actorOf } from '../../app/membership/queries.ts';
import { toHex, utf8 } from '../../core/bytes.ts';
import { canonicalBytes } from '../../core/canonical.ts';
import { hmacSha256, sha256 } from '../../core/crypto/index.ts';
import type { Clock, RandomBytes } from '../../node/env.ts';
import type { GenomeStore } from '../../node/genomics/genome-store.ts';
import type { GenomeCustody } from './custody.ts';
import {
  askCustodian,
  type CustodianLook,
  FAN_OUT_CUSTODIANS_MAX,
  spendQueryHash,
  type LookRequest,
  type QueryBinding,
} from './fan-out.ts';
import type { GenomicsLedger } from './ledger.ts';
import { checkVariant, type SequenceQuery, type VariantQuery } from './variant-query.ts';

export type Granularity = 'boolean' | 'count' | 'record';
export type { VariantQuery } from './variant-query.ts';

export interface BeaconQuery {
  /**
   * Who asks: the identities their budget is kept under (a practitioner's key, or a Passport's subject
   * and its linked identities). The query is paid by each.
   */
  readonly identities: readonly string[];
  readonly use: StatedUse;
  readonly variant: VariantQuery;
  readonly granularity: Granularity;
  /** Whether the caller's Passport grants record access (passport.ts grantsRecordAccess). */
  readonly recordAccess: boolean;
}

/** One custodian's carriers at record granularity: the queried allele and who carries it, pseudonymously. */
export interface VariantRecord {
  readonly vrsId: string;
  readonly allele: Allele;
  /** The node of the custodian that answered: its beacon's id names the result set. */
  readonly custodianNodeKey: string;
  /** Per researcher and genome: the same person has a different id for every other researcher. */
  readonly individualIds: readonly string[];
}

export interface BeaconAnswer {
  readonly exists: boolean;
  /** Present at count granularity: carriers across the network who may be counted, 0 below the threshold. */
  readonly count?: number;
  readonly returnedGranularity: Granularity;
  readonly records?: readonly VariantRecord[];
  readonly budget: { readonly limitMilliBits: number; readonly spentMilliBits: number };
  /** The custodians whose genomes the query could count, and how many of them answered. */
  readonly custodians: { readonly asked: number; readonly answered: number };
}

export interface BeaconOptions {
  /** Raisaro et al.'s low-count threshold: fewer carriers than this are a low count (low-counts.ts). */
  readonly lowCountThreshold?: number;
  /**
   * The chance a low count is answered "no" and 0 (Raisaro et al.'s randomised hiding); 1, the default,
   * hides every low count (the plain threshold). The draw is fixed per researcher and question.
   */
  readonly lowCountHideProbability?: number;
  /**
   * The allele frequency the price assumes. A beacon does not know a queried allele's population
   * frequency before it looks, so it charges for one this rare; rarer alleles are undercharged (see
   * docs/GENOMICS.md).
   */
  readonly pricingAlleleFrequency?: number;
}

export const LOW_COUNT_THRESHOLD_DEFAULT = 1;
export const LOW_COUNT_HIDE_PROBABILITY_DEFAULT = 1;
export const PRICING_ALLELE_FREQUENCY_DEFAULT = 0.01;

export interface BeaconDependencies {
  readonly ledger: GenomicsLedger;
  readonly store: GenomeStore;
  readonly custody: GenomeCustody;
  readonly clock: Clock;
  readonly randomBytes: RandomBytes;
}

/** Candidate genomes read from the chain per query; a query counts at most SPEND_DATASETS_MAX of them. */
const DATASETS_SCANNED_MAX = 8 * SPEND_DATASETS_MAX;
const DATASET_PREFIX = 'genomics/dataset/';
const CONSENT_PREFIX = 'genomics/consent/';

/** A genome a query may count if its terms and its person's consent allow the use. */
interface Candidate {
  readonly datasetId: string;
  readonly dataset: GenomeDataset;
  readonly consent: ResearchConsent | undefined;
}

/** The budget's key for an identity: a hash, so the chain never holds a researcher's name or key. */
export function researcherId(identity: string): string {
  return toHex(sha256(utf8(`carechain/v1/genomics/researcher\n${identity}`)));
}

export class Beacon {
  private readonly deps: BeaconDependencies;
  readonly lowCounts: LowCountPolicy;
  readonly pricingAlleleFrequency: number;
  private readonly queryKey: Uint8Array;
  private scanned: { readonly version: string; readonly candidates: readonly Candidate[] } | undefined;

  constructor(options: BeaconOptions, deps: BeaconDependencies) {
    this.deps = deps;
    this.queryKey = deps.ledger.derivedKey('query-hash');
    this.lowCounts = {
      threshold: options.lowCountThreshold ?? LOW_COUNT_THRESHOLD_DEFAULT,
      hideProbability: options.lowCountHideProbability ?? LOW_COUNT_HIDE_PROBABILITY_DEFAULT,
    };
    this.pricingAlleleFrequency = options.pricingAlleleFrequency ?? PRICING_ALLELE_FREQUENCY_DEFAULT;
  }

  /**
   * The genomes across the network that this use may count, by custodian organisation, from the chain's
   * committed state only: active, and both the dataset's DUO terms and the person's research consent
   * allow the use. This node's own organisation comes first; at most FAN_OUT_CUSTODIANS_MAX custodians
   * and SPEND_DATASETS_MAX genomes (the spend's bound), taken in key order.
   */
  eligible(use: StatedUse): Map<string, string[]> {
    const nowMs = this.deps.clock.nowMs();
    const byOrg = new Map<string, string[]>();
    const own = this.ownOrgId();
    if (own !== undefined) byOrg.set(own, []);
    let counted = 0;
    for (const { datasetId, dataset, consent } of this.candidates()) {
      if (counted >= SPEND_DATASETS_MAX) break;
      const ids = byOrg.get(dataset.orgId) ?? (byOrg.size < FAN_OUT_CUSTODIANS_MAX ? [] : undefined);
      if (ids === undefined) continue;
      if (!useAllowedFor(dataset.dataUse, consent?.dataUse, use, nowMs).allowed) continue;
      ids.push(datasetId);
      byOrg.set(dataset.orgId, ids);
      counted += 1;
    }
    for (const [orgId, ids] of byOrg) if (ids.length === 0) byOrg.delete(orgId);
    return byOrg;
  }

  /**
   * The active genomes among the first DATASETS_SCANNED_MAX registered, in key order, each with its
   * person's research consent: read and parsed again only after a block writes a genome or a consent, not
   * once per query. Whether a use is allowed is still decided per query (it depends on the time).
   */
  private candidates(): readonly Candidate[] {
    const { ledger } = this.deps.ledger.node;
    const version = `${ledger.prefixVersion(DATASET_PREFIX)}/${ledger.prefixVersion(CONSENT_PREFIX)}`;
    if (this.scanned?.version !== version) {
      const candidates = ledger
        .stateByPrefix(DATASET_PREFIX, DATASETS_SCANNED_MAX)
        .flatMap(([key, value]): Candidate[] => {
          const dataset = JSON.parse(value) as GenomeDataset;
          if (dataset.status !== 'active') return [];
          const consent = readResearchConsent(ledger.state, dataset.patient);
          return [{ datasetId: key.slice(DATASET_PREFIX.length), dataset, consent }];
        });
      this.scanned = { version, candidates };
    }
    return this.scanned.candidates;
  }

  private ownOrgId(): string | undefined {
    const { node } = this.deps.ledger;
    const self = actorOf(node.ledger.state, node.key.publicKey);
    return self.kind === 'node' ? self.orgId : undefined;
  }

  /** The query's price in thousandths of a bit: the most one answer can tell about one person. */
  priceMilliBits(individuals: number): number {
    if (individuals === 0) return 0;
    const bits = lowCountInformationBits(this.pricingAlleleFrequency, individuals, this.lowCounts);
    return Math.ceil(bits * 1000);
  }

  /** The budget of the most spent of the identities: what limits their next query. */
  budgetOf(identities: readonly string[]): BeaconAnswer['budget'] {
    const { state } = this.deps.ledger.node.ledger;
    const budgets = identities.map((identity) => readQueryBudget(state, researcherId(identity)));
    const { limitMilliBits, spentMilliBits } = budgets.reduce((a, b) =>
      b.limitMilliBits - b.spentMilliBits < a.limitMilliBits - a.spentMilliBits ? b : a,
    );
    return { limitMilliBits, spentMilliBits };
  }

  async query(query: BeaconQuery): Promise<BeaconAnswer> {
    checkVariant(query.variant);
    const eligible = this.eligible(query.use);
    const datasets = [...eligible.values()].flat().sort();
    const researchers = [...new Set(query.identities.map(researcherId))].sort();
    const returnedGranularity = this.granted(query);
    // The spend commits to the question through a fresh nonce: custodians can check it is for this very
    // question, and nobody can test a guessed variant against the hash on chain.
    const binding: QueryBinding = {
      nonce: toHex(this.deps.randomBytes(16)),
      researchers,
      variant: query.variant,
      use: query.use,
      records: returnedGranularity === 'record',
    };
    const spend = await this.deps.ledger.commit('genomics.spendBudget', {
      researchers,
      queryHash: spendQueryHash(binding),
      priceMilliBits: this.priceMilliBits(datasets.length),
      datasetSet: this.declaredSet(datasets),
    });
    const looks = await this.lookEverywhere(eligible, { ...binding, spendTxHash: spend.txHash });
    const answered = looks.filter((look) => look.answer !== undefined);
    const total = answered.reduce((sum, look) => sum + look.answer!.count, 0);
    // The low-count policy applies to the network's total, with a draw fixed per researcher and question.
    const exists = shownCount(total, this.lowCounts, this.draw(researchers, query.variant)) > 0;
    const records =
      exists && binding.records && query.variant.kind === 'sequence'
        ? this.records(query.variant, answered)
        : [];
    return {
      exists,
      ...(returnedGranularity === 'boolean' ? {} : { count: exists ? total : 0 }),
      returnedGranularity,
      ...(returnedGranularity === 'record' ? { records } : {}),
      budget: this.budgetOf(query.identities),
      custodians: { asked: looks.length, answered: answered.length },
    };
  }

  /**
   * The id of the set of `datasets`, declared on chain first if it is not yet: the spend then names the
   * set, so a query costs the chain the same however many genomes it counts. The declaration is only
   * submitted: the spend, submitted after it, is admitted on top of it and final in the same block or a
   * later one. A set changes only when the genomes a use may count do (a consent, a new or erased genome).
   */
  private declaredSet(datasets: readonly string[]): string {
    const setId = datasetSetId(datasets);
    const { ledger } = this.deps;
    if (readDatasetSet(ledger.node.ledger.state, setId) === undefined) {
      ledger.submit('genomics.declareDatasetSet', { datasets: [...datasets] });
    }
    return setId;
  }

  /** This custodian's look, and every other custodian's over the node-to-node channel, at once. */
  private lookEverywhere(
    eligible: ReadonlyMap<string, readonly string[]>,
    request: Omit<LookRequest, 'datasets'>,
  ): Promise<CustodianLook[]> {
    const { node } = this.deps.ledger;
    const own = this.ownOrgId();
    return Promise.all(
      [...eligible].map(async ([orgId, datasets]) => {
        if (orgId === own) {
          const carriers = this.carriersHere(request.variant, new Set(datasets));
          const ids = request.records
            ? { individualIds: this.individualIds(carriers, request.researchers) }
            : {};
          return { nodeKey: node.key.publicKey, answer: { count: carriers.length, ...ids } };
        }
        return askCustodian(node, orgId, { ...request, datasets });
      }),
    );
  }

  /** A number uniform in [0, 1) fixed by the researcher and the question: asking again draws the same. */
  private draw(researchers: readonly string[], variant: VariantQuery): number {
    const question = hmacSha256(this.queryKey, canonicalBytes({ researchers, variant }));
    const bytes = hmacSha256(this.queryKey, utf8(`low-count\n${toHex(question)}`));
    // 48 bits: exact in a double, and far finer than any hiding probability needs.
    return bytes.slice(0, 6).reduce((value, byte) => value * 256 + byte, 0) / 2 ** 48;
  }

  /** Records only under a Passport's grant, and only for a sequence query (the index keeps no alleles). */
  private granted(query: BeaconQuery): Granularity {
    if (query.granularity === 'boolean') return 'boolean';
    if (query.granularity === 'record' && query.recordAccess && query.variant.kind === 'sequence')
      return 'record';
    return 'count';
  }

  /** One record per custodian with carriers: the allele and that custodian's pseudonymous carriers. */
  private records(variant: SequenceQuery, looks: readonly CustodianLook[]): VariantRecord[] {
    const allele = alleleOf(variant);
    const vrsId = alleleId(allele);
    return looks
      .filter(({ answer }) => (answer?.individualIds?.length ?? 0) > 0)
      .map(({ nodeKey, answer }) => ({
        vrsId,
        allele,
        custodianNodeKey: nodeKey,
        individualIds: [...answer!.individualIds!].sort(),
      }));
  }

  /** Per researcher set and genome, under this node's key: two researchers cannot join on a person. */
  individualIds(carriers: readonly string[], researchers: readonly string[]): string[] {
    return carriers
      .map((datasetId) =>
        toHex(hmacSha256(this.queryKey, utf8(`${researchers.join(',')}\n${datasetId}`))).slice(0, 32),
      )
      .sort();
  }

  /** Which of `datasets`, held here, carry the variant: the index read, after the spend is final. */
  claimSpend(spendTx: string, spendHeight: number, forgetAtOrBelow: number): boolean {
    return this.deps.store.claimSpend(spendTx, spendHeight, forgetAtOrBelow);
  }

  carriersHere(variant: VariantQuery, datasets: ReadonlySet<string>): string[] {
    const { store, custody } = this.deps;
    if (variant.kind === 'range') {
      return store.carriersInRange(variant.accession, variant.start, variant.end, datasets);
    }
    if (variant.kind === 'bracket') return store.carriersInBracket(variant.accession, variant, datasets);
    return store.carriers(custody.variantKey(alleleId(alleleOf(variant))), datasets);
  }
}

/** Beacon's 0-based start is VRS's interbase start; alleleFromVcf takes VCF's 1-based POS. */
function alleleOf(variant: SequenceQuery): Allele {
  return alleleFromVcf(variant.accession, variant.start + 1, variant.referenceBases, variant.alternateBases);
}
