// Da Vinci PAS (Prior Authorization Support IG 1.1/2.0) on the FHIR boundary: what a request Bundle for
// Claim/$submit or Claim/$inquire must hold, and the response Bundle built from what the chain knows of
// the request. No IO here: the service (prior-auth.ts) supplies the chain entry and the block time.
//
// Request (profile-pas-request-bundle): a `collection` Bundle whose first entry is the Claim with
// use = preauthorization; every resource the Claim references (patient, insurer, provider, coverage, care
// team, requested services) is an entry of the same Bundle. Response (profile-pas-response-bundle): a
// `collection` Bundle whose first entry is the ClaimResponse, each item adjudicated with a review action
// (X12 306: A1 certified, A2 partial, A3 not certified, A4 pended, A6 modified, C cancelled) and, when
// certified, the payer's authorisation number, followed by the patient, insurer and requestor entries.
import type { Bundle, BundleEntry, Claim, ClaimResponse, Extension, Identifier, Reference } from 'fhir/r4.js';
import type { PaPriority, PaRequestEntry, ReviewAction } from '../../app/claims/index.ts';
import { APPROVING_ACTIONS } from '../../app/claims/index.ts';
import { CARECHAIN_SYSTEMS } from '../../app/consent/fhir.ts';
import { FhirError, issue } from '../fhir/operation-outcome.ts';
import { walkResource } from '../fhir/references.ts';
import { R4_SCHEMA } from '../fhir/r4-schema.ts';

const PAS = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition';
export const PAS_PROFILES = {
  requestBundle: `${PAS}/profile-pas-request-bundle`,
  responseBundle: `${PAS}/profile-pas-response-bundle`,
  claimResponse: `${PAS}/profile-claimresponse`,
  reviewAction: `${PAS}/extension-reviewAction`,
  reviewActionCode: `${PAS}/extension-reviewActionCode`,
  levelOfService: `${PAS}/extension-levelOfServiceCode`,
} as const;
/** X12 306 (Action Code) as PAS names its system. */
export const X12_REVIEW_ACTION_SYSTEM = 'https://codesystem.x12.org/005010/306';
/** The chain's id of a PA request, as an identifier of the ClaimResponse. */
export const PA_REQUEST_SYSTEM = 'urn:carechain:pa-request';

const REVIEW_ACTION_DISPLAY: Readonly<Record<ReviewAction, string>> = {
  A1: 'Certified in total',
  A2: 'Certified - partial',
  A3: 'Not Certified',
  A4: 'Pended',
  A6: 'Modified',
  C: 'Cancelled',
};

type Json = Record<string, unknown>;

/** What $submit and $inquire read of a PAS request Bundle. */
export interface PasRequest {
  readonly bundle: Bundle;
  readonly claim: Claim;
  /** The Claim's first identifier (the PAS trace number), which names the request at its provider. */
  readonly traceNumber: Identifier;
  /** The payer the Claim is addressed to (PAS requires it; R4 does not). */
  readonly insurer: Reference;
  readonly priority: PaPriority;
  /** The entry the reference points at, within the Bundle. */
  resolve(reference: Reference | undefined): Json | undefined;
}

const refuse = (diagnostics: string, expression: string) => FhirError.invalid(diagnostics, expression);

/** `Type/id`, or the last two segments of an absolute fullUrl (`https://x/fhir/Type/id`). */
function localKey(reference: string): string {
  const parts = reference.split('/');
  return parts.slice(-2).join('/');
}

function entryIndex(bundle: Bundle): Map<string, Json> {
  const byKey = new Map<string, Json>();
  for (const entry of bundle.entry ?? []) {
    const resource = entry.resource as Json | undefined;
    if (resource === undefined) continue;
    if (typeof entry.fullUrl === 'string') {
      byKey.set(entry.fullUrl, resource);
      if (!entry.fullUrl.startsWith('urn:')) byKey.set(localKey(entry.fullUrl), resource);
    }
    if (typeof resource.id === 'string')
      byKey.set(`${String(resource.resourceType)}/${resource.id}`, resource);
  }
  return byKey;
}

/** Every literal reference the Claim makes, with where it is (contained `#x` ones need no entry). */
function claimReferences(claim: Claim): { reference: string; path: string }[] {
  const found: { reference: string; path: string }[] = [];
  walkResource(claim as unknown as Json, R4_SCHEMA.definitions, {
    reference(value, path) {
      if (!value.startsWith('#')) found.push({ reference: value, path });
    },
  });
  return found;
}

function priorityOf(claim: Claim): PaPriority {
  const level = claim.extension?.find((e) => e.url === PAS_PROFILES.levelOfService);
  const urgentLevel = level?.valueCodeableConcept?.coding?.some((c) => c.code === 'U') === true;
  const stat = claim.priority?.coding?.some((c) => c.code === 'stat') === true;
  return urgentLevel || stat ? 'urgent' : 'standard';
}

/**
 * The PAS request in `body`, already valid R4 (the caller validated it against the schema), or an
 * OperationOutcome: 400 for a Bundle that is not a PAS request, 422 when the Claim references a resource
 * the Bundle does not carry (the payer could not read what it is asked to authorise).
 */
export function parsePasRequest(body: unknown): PasRequest {
  const bundle = body as Bundle;
  if (bundle.resourceType !== 'Bundle' || bundle.type !== 'collection') {
    throw refuse('send a PAS request Bundle (type collection)', 'Bundle.type');
  }
  const claim = bundle.entry?.[0]?.resource as Claim | undefined;
  if (claim?.resourceType !== 'Claim') {
    throw refuse('the first entry of a PAS request Bundle is the Claim', 'Bundle.entry[0].resource');
  }
  if (claim.use !== 'preauthorization') {
    throw refuse('Claim.use must be preauthorization for $submit and $inquire', 'Claim.use');
  }
  const traceNumber = claim.identifier?.[0];
  if (traceNumber?.value === undefined) {
    throw refuse('the Claim needs an identifier (the PAS trace number)', 'Claim.identifier');
  }
  if (claim.insurer === undefined) {
    throw refuse('the Claim names no insurer', 'Claim.insurer');
  }
  const index = entryIndex(bundle);
  const missing = claimReferences(claim).filter(({ reference }) => !index.has(reference));
  if (missing.length > 0) {
    throw FhirError.of(
      missing.map(({ path }) =>
        // The path, not the reference: nothing of the request is quoted back (STYLE §3).
        issue('business-rule', 'the Claim references a resource the Bundle does not carry', path),
      ),
    );
  }
  const resolve = (ref: Reference | undefined) =>
    ref?.reference === undefined ? undefined : index.get(ref.reference);
  const insurer = claim.insurer;
  return { bundle, claim, traceNumber, insurer, priority: priorityOf(claim), resolve };
}

/** A resource's identifiers, or none. */
function identifiersOf(resource: Json | undefined): Identifier[] {
  const identifiers = resource?.identifier;
  return Array.isArray(identifiers) ? (identifiers as Identifier[]) : [];
}

/** The member organisation an Organization names with the carechain organisation identifier, if any. */
export function memberOrgIdOf(organisation: Json | undefined): string | undefined {
  return identifiersOf(organisation).find((i) => i.system === CARECHAIN_SYSTEMS.organisation)?.value;
}

/**
 * The organisations the request names as its payer, in the order to try them: the Claim's insurer, then
 * the payors of its focal Coverage. The service picks the first member insurer, else the node's default.
 */
export function namedPayers(request: PasRequest): string[] {
  const { claim } = request;
  const resolve = (ref: Reference | undefined) => request.resolve(ref);
  const focal = claim.insurance?.find((i) => i.focal) ?? claim.insurance?.[0];
  const coverage = resolve(focal?.coverage) as { payor?: Reference[] } | undefined;
  const candidates = [resolve(request.insurer), ...(coverage?.payor ?? []).map((ref) => resolve(ref))];
  return candidates.map(memberOrgIdOf).filter((id): id is string => id !== undefined);
}

/** The patient's pseudonym when the Patient entry names one (a carechain patient), else undefined. */
export function pseudonymOf(request: PasRequest): string | undefined {
  const patient = request.resolve(request.claim.patient);
  return identifiersOf(patient).find((i) => i.system === CARECHAIN_SYSTEMS.patientPseudonym)?.value;
}

/** The patient's member id (first identifier), to derive a pseudonym for a patient who has none. */
export function memberIdOf(request: PasRequest): string {
  const [first] = identifiersOf(request.resolve(request.claim.patient));
  return first === undefined
    ? `ref:${request.claim.patient.reference ?? ''}`
    : `${first.system ?? ''}|${first.value ?? ''}`;
}

function reviewActionExtension(action: ReviewAction, authNumber: string | null): Extension {
  return {
    url: PAS_PROFILES.reviewAction,
    extension: [
      ...(authNumber === null ? [] : [{ url: 'number', valueString: authNumber }]),
      {
        url: PAS_PROFILES.reviewActionCode,
        valueCodeableConcept: {
          coding: [
            { system: X12_REVIEW_ACTION_SYSTEM, code: action, display: REVIEW_ACTION_DISPLAY[action] },
          ],
        },
      },
    ],
  };
}

/** What the payer answered so far: its final decision, else A4 (pended, or not yet looked at). */
export function currentAction(entry: PaRequestEntry): { action: ReviewAction; authNumber: string | null } {
  return entry.decision === null
    ? { action: 'A4', authNumber: null }
    : { action: entry.decision.action, authNumber: entry.decision.authNumber };
}

/**
 * The PAS response Bundle for the request as the chain has it now. `created` and the Bundle's timestamp
 * are block times (the decision's, or the submission's while pended), so the answer is the same at every
 * node and on every inquiry until the payer acts again.
 */
export function pasResponse(request: PasRequest, entry: PaRequestEntry, baseUrl: string): Bundle {
  const { claim } = request;
  const { action, authNumber } = currentAction(entry);
  const atMs = entry.decision?.decidedAtMs ?? entry.submittedAtMs;
  const approved = APPROVING_ACTIONS.includes(action);
  const response: ClaimResponse = {
    resourceType: 'ClaimResponse',
    id: entry.requestId,
    meta: { profile: [PAS_PROFILES.claimResponse] },
    identifier: [request.traceNumber, { system: PA_REQUEST_SYSTEM, value: entry.requestId }],
    status: 'active',
    type: claim.type,
    use: 'preauthorization',
    patient: claim.patient,
    created: new Date(atMs).toISOString(),
    insurer: request.insurer,
    requestor: claim.provider,
    request: { identifier: request.traceNumber },
    outcome: entry.decision === null ? 'queued' : 'complete',
    ...(approved && authNumber !== null ? { preAuthRef: authNumber } : {}),
    item: (claim.item ?? []).map((item) => ({
      itemSequence: item.sequence,
      adjudication: [
        {
          extension: [reviewActionExtension(action, approved ? authNumber : null)],
          category: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adjudication', code: 'submitted' }],
          },
        },
      ],
    })),
  };
  const carried = new Set<BundleEntry>();
  for (const ref of [claim.patient, request.insurer, claim.provider]) {
    const target = request.resolve(ref);
    const found =
      target === undefined
        ? undefined
        : request.bundle.entry?.find((e) => (e.resource as unknown) === target);
    if (found !== undefined) carried.add(found);
  }
  return {
    resourceType: 'Bundle',
    meta: { profile: [PAS_PROFILES.responseBundle] },
    ...(request.bundle.identifier === undefined ? {} : { identifier: request.bundle.identifier }),
    type: 'collection',
    timestamp: new Date(atMs).toISOString(),
    entry: [{ fullUrl: `${baseUrl}/ClaimResponse/${entry.requestId}`, resource: response }, ...carried],
  };
}
