// A practitioner's signed delegation (issue 10, finding 8): at sign-in the practitioner's own key says
// "this node of my organisation may ask other organisations' nodes for records on my behalf, with these
// scopes, until then". The node keeps it in the practitioner's access token and forwards it with every
// read it makes for them at another custodian, which checks it (services/auth/delegation.ts) instead of
// taking the requesting node's word about who asked. The signed message is canonical JSON of the
// delegation's fields under the 'delegation' purpose, which also binds the chain id (core/crypto), so a
// delegation is good on one network only and can never pass for a tx, a vote or a login.
import { Type, type Static } from '@sinclair/typebox';
import { isHex, toHex } from '../core/bytes.ts';
import { canonicalBytes } from '../core/canonical.ts';
import { publicKeyFromSeed, signMessage } from '../core/crypto/index.ts';

/** A delegation lasts at most as long as an access token may (an hour): it is as good as a login. */
export const DELEGATION_TTL_MS_MAX = 60 * 60 * 1000;
/** Longest scope string a delegation carries: it rides inside an access token, which is bounded too. */
export const DELEGATION_SCOPES_CHARS_MAX = 512;
/** What a clinician delegates by default: the default practitioner token's scopes. */
export const DELEGATION_SCOPES_DEFAULT = 'user/*.cruds';
/** What a patient delegates by default: reading their records, as the default patient token does. */
export const PATIENT_DELEGATION_SCOPES_DEFAULT = 'patient/*.rs';
const ORG_ID = /^[a-z0-9-]{1,64}$/;

/**
 * The delegation as signed and carried (token claim cc_dlg, forwarded reads); keys and signature hex.
 * A patient (or proxy) signs the same shape at sign-in (issue 13) so that the node may fetch their
 * records from their other custodians: `practitionerKey` is then the patient's or proxy's key (the field
 * is named for the first delegators and kept, being signed); what the key is on chain tells the two
 * apart (a key is registered as one thing for life), and patient delegations carry patient/ scopes.
 */
export const signedDelegationSchema = Type.Object(
  {
    practitionerKey: Type.String(),
    orgId: Type.String(),
    nodeKey: Type.String(),
    scopes: Type.String(),
    issuedAtMs: Type.Integer(),
    expiresAtMs: Type.Integer(),
    signature: Type.String(),
  },
  { additionalProperties: false },
);
export type SignedDelegation = Readonly<Static<typeof signedDelegationSchema>>;
export type Delegation = Omit<SignedDelegation, 'signature'>;

/** Whom a delegation is for: the node the practitioner signs in at, as its challenge names it. */
export interface DelegationTarget {
  readonly nodeKey: string;
  readonly orgId: string;
}

/** The signed message: canonical JSON, so the node, the CLI and the browser sign the same bytes. */
export function delegationMessage(delegation: Delegation): Uint8Array {
  const { practitionerKey, orgId, nodeKey, scopes, issuedAtMs, expiresAtMs } = delegation;
  return canonicalBytes({ practitionerKey, orgId, nodeKey, scopes, issuedAtMs, expiresAtMs });
}

/** The practitioner's side: signs a delegation to `target` with their own key (the seed stays with them). */
export function signDelegation(
  seed: Uint8Array,
  chainId: string,
  target: DelegationTarget,
  options: { readonly nowMs: number; readonly ttlMs?: number; readonly scopes?: string },
): SignedDelegation {
  const delegation: Delegation = {
    practitionerKey: toHex(publicKeyFromSeed(seed)),
    orgId: target.orgId,
    nodeKey: target.nodeKey,
    scopes: options.scopes ?? DELEGATION_SCOPES_DEFAULT,
    issuedAtMs: options.nowMs,
    expiresAtMs: options.nowMs + (options.ttlMs ?? DELEGATION_TTL_MS_MAX),
  };
  const signature = toHex(signMessage(seed, 'delegation', chainId, delegationMessage(delegation)));
  return { ...delegation, signature };
}

/**
 * The `delegation` field of a token request, signed for the node a sign-in challenge names (its nodeKey
 * and orgId), or nothing when the challenge names none. The browser and the client library both sign in
 * this way: staff with their default scopes, patients with PATIENT_DELEGATION_SCOPES_DEFAULT.
 */
export function delegationBeside(
  seed: Uint8Array,
  chainId: string,
  challenge: { readonly nodeKey?: string | undefined; readonly orgId?: string | undefined },
  options: { readonly nowMs: number; readonly scopes?: string },
): { delegation?: SignedDelegation } {
  const { nodeKey, orgId } = challenge;
  if (nodeKey === undefined || orgId === undefined) return {};
  return { delegation: signDelegation(seed, chainId, { nodeKey, orgId }, options) };
}

/**
 * The delegation in `value` if it has the shape (and only the fields) of one, else undefined. Shape
 * only: whether it is true is services/auth/delegation.ts's question.
 */
export function parseDelegation(value: unknown): SignedDelegation | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields = value as Record<string, unknown>;
  if (Object.keys(fields).length !== 7) return undefined;
  const { practitionerKey, orgId, nodeKey, scopes, issuedAtMs, expiresAtMs, signature } = fields;
  const time = (t: unknown): t is number => typeof t === 'number' && Number.isSafeInteger(t) && t >= 0;
  const good =
    isHex(practitionerKey, 32) &&
    isHex(nodeKey, 32) &&
    isHex(signature, 64) &&
    typeof orgId === 'string' &&
    ORG_ID.test(orgId) &&
    typeof scopes === 'string' &&
    scopes.length > 0 &&
    scopes.length <= DELEGATION_SCOPES_CHARS_MAX &&
    time(issuedAtMs) &&
    time(expiresAtMs);
  return good ? { practitionerKey, orgId, nodeKey, scopes, issuedAtMs, expiresAtMs, signature } : undefined;
}
