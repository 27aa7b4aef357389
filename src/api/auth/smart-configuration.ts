// The SMART configuration document (SMART App Launch v2, conformance.html "Metadata"), served at
// <FHIR base>/.well-known/smart-configuration, built from one table of capabilities so that what is
// advertised is what the code does. A capability we do not implement is listed with the reason and
// left out of the document: a SMART client that read it would otherwise try a flow we cannot finish.
import { PATIENT_SCOPES_DEFAULT } from './patient-login.ts';
import { PRACTITIONER_SCOPES_DEFAULT } from './practitioner-login.ts';
import { ACCESS_TOKEN_ALG } from './tokens.ts';
import { SIGNED_CHALLENGE_GRANT_TYPE } from '../../contract/auth.ts';

/** Relative to the FHIR base URL (SMART v2 conformance.html: "/.well-known/smart-configuration"). */
export const SMART_CONFIGURATION_PATH = '.well-known/smart-configuration';

/**
 * The grant a patient or proxy uses at the token endpoint: a challenge signed with their own key
 * (challenge.ts). An extension grant, named by an absolute URI as RFC 6749 §4.5 asks.
 */
export { SIGNED_CHALLENGE_GRANT_TYPE } from '../../contract/auth.ts';

interface CapabilityRow {
  readonly capability: string;
  readonly advertised: boolean;
  readonly why: string;
}

/** The capabilities of SMART v2 (conformance.html#capabilities) and whether carechain has each. */
export const SMART_CAPABILITY_TABLE: readonly CapabilityRow[] = [
  { capability: 'permission-v2', advertised: true, why: 'scopes.ts parses and checks v2 scopes' },
  { capability: 'permission-v1', advertised: true, why: 'v1 .read/.write/.* are read as rs/cud/cruds' },
  {
    capability: 'permission-patient',
    advertised: true,
    why: 'patient and proxy tokens carry patient/ scopes',
  },
  { capability: 'permission-user', advertised: true, why: 'practitioner tokens carry user/ scopes' },
  {
    capability: 'context-standalone-patient',
    advertised: true,
    why: 'a patient token names its patient, and so does the token response (tokens.ts tokenResponse)',
  },
  {
    capability: 'client-confidential-asymmetric',
    advertised: false,
    why: 'callers prove their key by a signed challenge, not an RFC 7523 private_key_jwt assertion',
  },
  { capability: 'launch-standalone', advertised: false, why: 'no authorization endpoint (no redirect flow)' },
  { capability: 'launch-ehr', advertised: false, why: 'no EHR launch' },
  { capability: 'client-public', advertised: false, why: 'no authorization endpoint' },
  { capability: 'client-confidential-symmetric', advertised: false, why: 'no client secrets' },
  { capability: 'sso-openid-connect', advertised: false, why: 'no id_token is issued' },
  { capability: 'permission-offline', advertised: false, why: 'no refresh tokens' },
];

/** Scopes a client may ask for here: the patient and practitioner defaults and their narrowings. */
export const SCOPES_SUPPORTED = [
  PATIENT_SCOPES_DEFAULT,
  PRACTITIONER_SCOPES_DEFAULT,
  'user/*.rs',
  'launch/patient',
] as const;

export interface SmartConfigurationOptions {
  /** The iss of this node's tokens. */
  readonly issuer: string;
  readonly tokenEndpoint: string;
  /** Where a patient app gets a challenge to sign (carechain's own endpoint). */
  readonly challengeEndpoint: string;
  /** Where the node publishes its token key (tokens.ts jwks). */
  readonly jwksUri: string;
}

export interface SmartConfiguration {
  readonly issuer: string;
  readonly jwks_uri: string;
  readonly token_endpoint: string;
  readonly grant_types_supported: readonly string[];
  readonly scopes_supported: readonly string[];
  readonly capabilities: readonly string[];
  /** RFC 8414 §2 lets metadata carry more fields; this one is ours. */
  readonly carechain_challenge_endpoint: string;
  readonly carechain_token_signing_alg: string;
}

/**
 * The document. code_challenge_methods_supported (PKCE) and authorization_endpoint are left out: both
 * belong to the authorization-code flow, which carechain does not offer (see the table).
 */
export function smartConfiguration(options: SmartConfigurationOptions): SmartConfiguration {
  return {
    issuer: options.issuer,
    jwks_uri: options.jwksUri,
    token_endpoint: options.tokenEndpoint,
    grant_types_supported: [SIGNED_CHALLENGE_GRANT_TYPE],
    scopes_supported: [...SCOPES_SUPPORTED],
    capabilities: SMART_CAPABILITY_TABLE.filter((row) => row.advertised).map((row) => row.capability),
    carechain_challenge_endpoint: options.challengeEndpoint,
    carechain_token_signing_alg: ACCESS_TOKEN_ALG,
  };
}
