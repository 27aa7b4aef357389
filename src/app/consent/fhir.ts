// Consents read as FHIR R4 Consent resources (http://hl7.org/fhir/R4/consent.html). Pure, so the API and
// the browser render the same resource from the same record.
//
// Shape: scope patient-privacy, category LOINC 59284-0 (Patient Consent), policyRule OPTIN (our base
// policy: nothing is shared without consent). The root provision carries only the period, and one nested
// provision carries type, actor, action, purpose and class: R4 says provision.type is "not permitted in
// root rule, required in all nested rules" (consent-definitions.html#Consent.provision.type), and the
// official consent-example.json has a root provision with a period only.
import type { ConsentAction, ConsentRecord, Grantee, PurposeOfUse } from './types.ts';
import { ALL_RESOURCE_TYPES } from './types.ts';

/** Identifier systems for carechain's own ids (pseudonyms and keys are not FHIR resource ids). */
export const CARECHAIN_SYSTEMS = {
  patientPseudonym: 'urn:carechain:patient-pseudonym',
  consent: 'urn:carechain:consent',
  organisation: 'urn:carechain:organisation',
  practitionerKey: 'urn:carechain:practitioner-key',
  organisationRole: 'urn:carechain:organisation-role',
} as const;

/** HL7 v3 ActReason: the code system of purposeOfUse, in Consent and in AuditEvent alike. */
export const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const CONSENT_ACTION = 'http://terminology.hl7.org/CodeSystem/consentaction';

const PURPOSE_DISPLAY: Readonly<Record<PurposeOfUse, string>> = {
  TREAT: 'treatment',
  ETREAT: 'Emergency Treatment',
  HPAYMT: 'healthcare payment',
  HOPERAT: 'healthcare operations',
  HRESCH: 'healthcare research',
  PUBHLTH: 'public health',
};

/** read is consentaction "access"; write is "correct" ("Access and Correct"), the closest R4 code. */
const ACTION_CODING: Readonly<Record<ConsentAction, { code: string; display: string }>> = {
  read: { code: 'access', display: 'Access' },
  write: { code: 'correct', display: 'Access and Correct' },
};

/** A JSON value: what the FHIR renderings of chain records are built of. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

function granteeReference(grantee: Grantee): Json {
  switch (grantee.kind) {
    case 'organisation':
      return {
        type: 'Organization',
        identifier: { system: CARECHAIN_SYSTEMS.organisation, value: grantee.orgId },
      };
    case 'practitioner':
      return {
        type: 'Practitioner',
        identifier: { system: CARECHAIN_SYSTEMS.practitionerKey, value: grantee.key },
      };
    case 'role':
      return {
        type: 'PractitionerRole',
        identifier: { system: CARECHAIN_SYSTEMS.organisationRole, value: `${grantee.orgId}/${grantee.role}` },
      };
  }
}

export function toFhirConsent(record: ConsentRecord): Record<string, Json> {
  const period: Record<string, Json> = { start: isoTime(record.period.startMs) };
  if (record.period.endMs !== null) period.end = isoTime(record.period.endMs);
  const rule: Record<string, Json> = {
    type: record.provision,
    actor: [
      {
        // v3 ParticipationType IRCP: the party who receives the information (consent-examples use it).
        role: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
              code: 'IRCP',
              display: 'information recipient',
            },
          ],
        },
        reference: granteeReference(record.grantee),
      },
    ],
    action: record.actions.map((a) => ({ coding: [{ system: CONSENT_ACTION, ...ACTION_CODING[a] }] })),
    purpose: record.purposes.map((p) => ({ system: ACT_REASON, code: p, display: PURPOSE_DISPLAY[p] })),
  };
  // No class means every resource type (Consent.provision.class: "the class of information covered").
  if (!record.resourceTypes.includes(ALL_RESOURCE_TYPES)) {
    rule.class = record.resourceTypes.map((t) => ({ system: 'http://hl7.org/fhir/resource-types', code: t }));
  }
  return {
    resourceType: 'Consent',
    id: record.consentId,
    identifier: [{ system: CARECHAIN_SYSTEMS.consent, value: record.consentId }],
    // R4 has no "revoked" status; a withdrawn consent is inactive (consent-definitions.html#Consent.status).
    status: record.revokedAtHeight === null ? 'active' : 'inactive',
    scope: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/consentscope',
          code: 'patient-privacy',
          display: 'Privacy Consent',
        },
      ],
    },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
    patient: {
      type: 'Patient',
      identifier: { system: CARECHAIN_SYSTEMS.patientPseudonym, value: record.patientPseudonym },
    },
    dateTime: isoTime(record.timeMs),
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
    provision: { period, provision: [rule] },
  };
}
