// node.json's optional `genomics` section (issue 19): how this custodian's Beacon prices queries and which
// GA4GH Passport brokers and visa issuers it trusts.
//   "genomics": {
//     "pricingAlleleFrequency": 0.01,     the allele frequency a query's price assumes (0 < f < 1)
//     "lowCountThreshold": 1,             fewer carriers than this are a low count
//     "lowCountHideProbability": 1,       the chance a low count answers "no" (1: always, a threshold)
//     "passportTrust": { "brokers": { "<iss>": { "keys": [JWK] } }, "visaIssuers": { ... },
//                        "controlledAccessResource": "<the resource a DAC's grant names>" }
//   }
import { NodeError } from '../errors.ts';

export interface JwkSet {
  readonly keys: readonly Record<string, unknown>[];
}

export interface GenomicsNodeConfig {
  readonly pricingAlleleFrequency?: number;
  readonly lowCountThreshold?: number;
  readonly lowCountHideProbability?: number;
  readonly passportTrust?: {
    readonly brokers: ReadonlyMap<string, JwkSet>;
    readonly visaIssuers: ReadonlyMap<string, JwkSet>;
    readonly controlledAccessResource: string;
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function issuers(value: unknown, invalid: (why: string) => NodeError): Map<string, JwkSet> {
  if (!isObject(value)) throw invalid('lists issuers as { "<iss>": { "keys": [...] } }');
  return new Map(
    Object.entries(value).map(([iss, set]) => {
      if (!isObject(set) || !Array.isArray(set.keys) || !set.keys.every(isObject)) {
        throw invalid('gives each issuer a JWK set');
      }
      return [iss, { keys: set.keys }];
    }),
  );
}

export function checkGenomicsConfig(value: unknown, path: string): GenomicsNodeConfig | undefined {
  if (value === undefined) return undefined;
  const invalid = (why: string) => new NodeError('config.invalid', `config ${path}: genomics ${why}`);
  if (!isObject(value)) throw invalid('must be an object');
  const { pricingAlleleFrequency: f, lowCountThreshold: t, lowCountHideProbability: h } = value;
  const trust = value.passportTrust;
  if (f !== undefined && !(typeof f === 'number' && f > 0 && f < 1)) {
    throw invalid('pricingAlleleFrequency must be between 0 and 1');
  }
  if (t !== undefined && !(Number.isSafeInteger(t) && (t as number) >= 1)) {
    throw invalid('lowCountThreshold must be a positive integer');
  }
  if (h !== undefined && !(typeof h === 'number' && h >= 0 && h <= 1)) {
    throw invalid('lowCountHideProbability must be between 0 and 1');
  }
  if (trust !== undefined && (!isObject(trust) || typeof trust.controlledAccessResource !== 'string')) {
    throw invalid('passportTrust needs brokers, visaIssuers and controlledAccessResource');
  }
  return {
    ...(f === undefined ? {} : { pricingAlleleFrequency: f }),
    ...(t === undefined ? {} : { lowCountThreshold: t as number }),
    ...(h === undefined ? {} : { lowCountHideProbability: h }),
    ...(trust === undefined
      ? {}
      : {
          passportTrust: {
            brokers: issuers(trust.brokers, invalid),
            visaIssuers: issuers(trust.visaIssuers, invalid),
            controlledAccessResource: trust.controlledAccessResource as string,
          },
        }),
  };
}
