// The beacon's answer at one custodian (issue 19 §3–§5), in the order that keeps it safe: first decide
// who may be counted from the chain alone (the genome is active and held here, the dataset's DUO terms
// and the person's own research consent both allow the stated use), then price the query and commit the
// spend against the researcher's one network-wide budget, and only then look at the genomes. A refused
// spend (429) has looked at nothing; a withdrawn consent drops the person from the next query on.
import { useAllowedFor, type StatedUse } from '../../app/genomics/duo/match.ts';
import { readGenomeDataset, readQueryBudget, readResearchConsent } from '../../app/genomics/keys.ts';
import { lowCountInformationBits, shownCount, type LowCountPolicy } from '../../app/genomics/low-counts.ts';
import { alleleFromVcf, alleleId, type Allele } from '../../app/genomics/vrs/allele.ts';
import { actorOf } from '../../app/membership/queries.ts';
import { toHex, utf8 } from '../../core/bytes.ts';
import { canonicalBytes } from '../../core/canonical.ts';
import { hmacSha256, sha256 } from '../../core/crypto/index.ts';
import type { Clock } from '../../node/env.ts';
import type { GenomeStore } from '../../node/genomics/genome-store.ts';
import { RANGE_BASES_MAX } from '../../node/genomics/genome-store.ts';
import { ServiceError } from '../errors.ts';
import type { GenomeCustody } from './custody.ts';
import type { GenomicsLedger } from './ledger.ts';

export type Granularity = 'boolean' | 'count' | 'record';

export type VariantQuery =
  | {
      readonly kind: 'sequence';
      readonly accession: string;
      /** 0-based interbase start, as Beacon v2 and VRS count. */
      readonly start: number;
      readonly referenceBases: string;
      readonly alternateBases: string;
    }
  | { readonly kind: 'range'; readonly accession: string; readonly start: number; readonly end: number };

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

/** One carried variant at record granularity: the queried allele and who carries it, pseudonymously. */
export interface VariantRecord {
  readonly vrsId: string;
  readonly allele: Allele;
  /** Per researcher and genome: the same person has a different id for every other researcher. */
  readonly individualIds: readonly string[];
}

export interface BeaconAnswer {
  readonly exists: boolean;
  /** Present at count granularity: carriers among the people who may be counted, 0 below the threshold. */
  readonly count?: number;
  readonly returnedGranularity: Granularity;
  readonly records?: readonly VariantRecord[];
  readonly budget: { readonly limitMilliBits: number; readonly spentMilliBits: number };
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

  constructor(options: BeaconOptions, deps: BeaconDependencies) {
    this.deps = deps;
    this.queryKey = deps.ledger.derivedKey('query-hash');
    this.lowCounts = {
      threshold: options.lowCountThreshold ?? LOW_COUNT_THRESHOLD_DEFAULT,
      hideProbability: options.lowCountHideProbability ?? LOW_COUNT_HIDE_PROBABILITY_DEFAULT,
    };
    this.pricingAlleleFrequency = options.pricingAlleleFrequency ?? PRICING_ALLELE_FREQUENCY_DEFAULT;
  }

  /** The genomes held here that this use may count, by the chain's committed state only. */
  eligible(use: StatedUse): string[] {
    const { ledger, store, clock } = this.deps;
    const state = ledger.node.ledger.state;
    const self = actorOf(state, ledger.node.key.publicKey);
    const orgId = self.kind === 'node' ? self.orgId : undefined;
    const nowMs = clock.nowMs();
    return store.datasetIds().filter((datasetId) => {
      const dataset = readGenomeDataset(state, datasetId);
      if (dataset === undefined || dataset.status !== 'active' || dataset.orgId !== orgId) return false;
      const consent = readResearchConsent(state, dataset.patient);
      return useAllowedFor(dataset.dataUse, consent?.dataUse, use, nowMs).allowed;
    });
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
    const researchers = [...new Set(query.identities.map(researcherId))].sort();
    // The query itself is not on chain: only an HMAC of it under a key of this node, so nobody can test a
    // guessed variant against it.
    const queryHash = toHex(
      hmacSha256(this.queryKey, canonicalBytes({ researchers, variant: query.variant })),
    );
    await this.deps.ledger.commit('genomics.spendBudget', {
      researchers,
      queryHash,
      priceMilliBits: this.priceMilliBits(eligible.length),
      datasets: eligible,
    });
    const carriers = this.look(query.variant, new Set(eligible));
    const shown = shownCount(carriers.length, this.lowCounts, this.draw(queryHash)) > 0 ? carriers : [];
    const returnedGranularity = this.granted(query);
    const records =
      returnedGranularity === 'record' && query.variant.kind === 'sequence' && shown.length > 0
        ? [this.record(query.variant, shown, researchers)]
        : [];
    return {
      exists: shown.length > 0,
      ...(returnedGranularity === 'boolean' ? {} : { count: shown.length }),
      returnedGranularity,
      ...(returnedGranularity === 'record' ? { records } : {}),
      budget: this.budgetOf(query.identities),
    };
  }

  /** A number uniform in [0, 1) fixed by the query's hash: the same question always draws the same. */
  private draw(queryHash: string): number {
    const bytes = hmacSha256(this.queryKey, utf8(`low-count\n${queryHash}`));
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

  private record(
    variant: SequenceQuery,
    carriers: readonly string[],
    researchers: readonly string[],
  ): VariantRecord {
    const allele = alleleOf(variant);
    const individualIds = carriers
      .map((datasetId) =>
        toHex(hmacSha256(this.queryKey, utf8(`${researchers.join(',')}\n${datasetId}`))).slice(0, 32),
      )
      .sort();
    return { vrsId: alleleId(allele), allele, individualIds };
  }

  private look(variant: VariantQuery, eligible: ReadonlySet<string>): string[] {
    const { store, custody } = this.deps;
    if (variant.kind === 'range') {
      return store.carriersInRange(variant.accession, variant.start, variant.end, eligible);
    }
    return store.carriers(custody.variantKey(alleleId(alleleOf(variant))), eligible);
  }
}

type SequenceQuery = Extract<VariantQuery, { kind: 'sequence' }>;

/** Beacon's 0-based start is VRS's interbase start; alleleFromVcf takes VCF's 1-based POS. */
function alleleOf(variant: SequenceQuery): Allele {
  return alleleFromVcf(variant.accession, variant.start + 1, variant.referenceBases, variant.alternateBases);
}

const BASES = /^[ACGTN]{1,1000}$/;

function checkVariant(variant: VariantQuery): void {
  const bad = (message: string) => new ServiceError('genomics.invalid_query', message);
  if (!Number.isSafeInteger(variant.start) || variant.start < 0) throw bad('start is a 0-based position');
  if (variant.kind === 'range') {
    if (!Number.isSafeInteger(variant.end) || variant.end <= variant.start)
      throw bad('end must follow start');
    if (variant.end - variant.start > RANGE_BASES_MAX)
      throw bad(`a range spans at most ${RANGE_BASES_MAX} bases`);
    return;
  }
  if (!BASES.test(variant.referenceBases) || !BASES.test(variant.alternateBases)) {
    throw bad('referenceBases and alternateBases are bases (A, C, G, T, N)');
  }
}
