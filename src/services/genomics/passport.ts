// GA4GH Passports v1.2 (ga4gh-duri/ga4gh-duri.github.io researcher_ids/ga4gh_passport_v1.md): a broker's
// signed JWT whose `ga4gh_passport_v1` claim lists Visa JWTs, each signed by its own issuer and carrying
// `ga4gh_visa_v1` = { type, asserted, value, source, by, conditions }. JWT checks are jose's. The node
// trusts brokers and visa issuers by configuration (their JWKs); a Passport from an untrusted broker or
// with a bad signature is refused, and a visa that cannot be validated is ignored, as the spec requires.
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { ServiceError } from '../errors.ts';

export interface PassportTrust {
  /** Passport brokers by issuer URL, with their signing keys. */
  readonly brokers: ReadonlyMap<string, JSONWebKeySet>;
  /** Visa issuers (the data access committee, the signing official's system) by issuer URL. */
  readonly visaIssuers: ReadonlyMap<string, JSONWebKeySet>;
  /** The resource a ControlledAccessGrants visa must name for record access to this network's genomes. */
  readonly controlledAccessResource: string;
}

export interface Visa {
  readonly type: string;
  readonly value: string;
  readonly source: string;
  readonly by: string | undefined;
  readonly asserted: number;
  /** `sub@iss` of the visa. */
  readonly subject: string;
}

export interface VerifiedPassport {
  /** `sub@iss` of the Passport and of every identity a LinkedIdentities visa links to it, sorted. */
  readonly identities: readonly string[];
  readonly visas: readonly Visa[];
}

/** Most visas one Passport may carry: a bounded amount of signature checking per request. */
export const PASSPORT_VISAS_MAX = 32;
const ALGORITHMS = ['EdDSA', 'ES256', 'RS256', 'PS256'];

const invalid = () => new ServiceError('genomics.invalid_passport', 'the Passport cannot be verified');

function issuerOf(jwt: string): string | undefined {
  try {
    const { iss } = decodeJwt(jwt);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One key resolver per trusted key set: jose's resolver imports each key once and keeps it, so making it
 * anew for every JWT would import the issuer's keys again on every request.
 */
const resolvers = new WeakMap<JSONWebKeySet, ReturnType<typeof createLocalJWKSet>>();

function resolverOf(jwks: JSONWebKeySet): ReturnType<typeof createLocalJWKSet> {
  let resolver = resolvers.get(jwks);
  if (resolver === undefined) {
    resolver = createLocalJWKSet(jwks);
    resolvers.set(jwks, resolver);
  }
  return resolver;
}

async function verified(jwt: string, keys: ReadonlyMap<string, JSONWebKeySet>, nowSec: number) {
  const iss = issuerOf(jwt);
  const jwks = iss === undefined ? undefined : keys.get(iss);
  if (iss === undefined || jwks === undefined) return undefined;
  try {
    const { payload } = await jwtVerify(jwt, resolverOf(jwks), {
      issuer: iss,
      algorithms: ALGORITHMS,
      currentDate: new Date(nowSec * 1000),
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    return payload;
  } catch {
    return undefined;
  }
}

function visaOf(payload: JWTPayload): Visa | undefined {
  const claim = payload.ga4gh_visa_v1 as Record<string, unknown> | undefined;
  if (typeof claim !== 'object' || claim === null) return undefined;
  const { type, value, source, by, asserted, conditions } = claim;
  // Conditions (another visa that must also hold) are not evaluated here, so such a visa is not used.
  if (conditions !== undefined) return undefined;
  if (typeof type !== 'string' || typeof value !== 'string' || typeof source !== 'string') return undefined;
  if (typeof asserted !== 'number') return undefined;
  return {
    type,
    value,
    source,
    by: typeof by === 'string' ? by : undefined,
    asserted,
    subject: `${String(payload.sub)}@${String(payload.iss)}`,
  };
}

/** LinkedIdentities' value: `sub,iss;sub,iss`, each part URL-encoded. */
function linkedIdentities(visa: Visa): string[] {
  return visa.value.split(';').flatMap((pair) => {
    const [sub, iss] = pair.split(',');
    if (sub === undefined || iss === undefined || sub === '' || iss === '') return [];
    try {
      return [`${decodeURIComponent(sub)}@${decodeURIComponent(iss)}`];
    } catch {
      return [];
    }
  });
}

export async function verifyPassport(
  token: string,
  trust: PassportTrust,
  nowSec: number,
): Promise<VerifiedPassport> {
  const passport = await verified(token, trust.brokers, nowSec);
  if (passport === undefined) throw invalid();
  const visaJwts = passport.ga4gh_passport_v1;
  if (!Array.isArray(visaJwts) || visaJwts.length > PASSPORT_VISAS_MAX) throw invalid();
  const subject = `${String(passport.sub)}@${String(passport.iss)}`;
  const visas: Visa[] = [];
  for (const jwt of visaJwts) {
    if (typeof jwt !== 'string') continue;
    const payload = await verified(jwt, trust.visaIssuers, nowSec);
    const visa = payload === undefined ? undefined : visaOf(payload);
    if (visa !== undefined) visas.push(visa);
  }
  // A LinkedIdentities visa links its own subject to the identities it lists; the group counts when it
  // includes the Passport's subject.
  const linked = visas
    .filter((v) => v.type === 'LinkedIdentities')
    .map((v) => [v.subject, ...linkedIdentities(v)])
    .filter((group) => group.includes(subject))
    .flat();
  const identities = [...new Set([subject, ...linked])].sort();
  // A visa about someone else (neither the subject nor a linked identity) does not speak for this caller.
  const own = visas.filter((v) => identities.includes(v.subject));
  return { identities, visas: own };
}

/**
 * Record access: a ControlledAccessGrants visa from a data access committee for this network's genomes,
 * and a ResearcherStatus visa (a signing official's or a system's bona fide status).
 */
export function grantsRecordAccess(passport: VerifiedPassport, trust: PassportTrust): boolean {
  const grant = passport.visas.some(
    (v) =>
      v.type === 'ControlledAccessGrants' && v.by === 'dac' && v.value === trust.controlledAccessResource,
  );
  const researcher = passport.visas.some(
    (v) => v.type === 'ResearcherStatus' && (v.by === 'so' || v.by === 'system'),
  );
  return grant && researcher;
}
