// Access events read as FHIR R4 AuditEvent resources (http://hl7.org/fhir/R4/auditevent.html), shaped
// after IHE Basic Audit Log Patterns (BALP, https://profiles.ihe.net/ITI/BALP/): the RESTful Read and
// Query profiles with a Patient entity (IHE.BasicAudit.PatientRead / PatientQuery). Pure, so the node's
// API and the patient's browser render the same resource from the same event.
//
// Where we follow BALP: type rest; subtype from restful-interaction; action R for a read, E for a search
// (BALP Query), U for a write; agents "client" (DCM 110153 Source Role ID), "server" (DCM 110152
// Destination Role ID) and "user" (v3 ParticipationType IRCP, requestor, with purposeOfUse); source with
// type 4 Application Server; entity "patient" (audit-entity-type 1, object-role 1) and one entity "data"
// per record version (audit-entity-type 2, object-role 4 Domain Resource).
// Where we depart, and why:
//   - failures use the same shape with outcome 4 (BALP profiles successes only and leaves failures to
//     FHIR security.html#AccessDenied); the stable reason code goes in outcomeDesc;
//   - no network addresses (they are not on chain) and no query entity (search parameters can be PHI);
//   - identities are carechain identifiers (pseudonym, key, organisation id), never demographics;
//   - one event may cover many records (a search), so a single-record event reads as "read" and a
//     multi-record one as "search" (the chain does not record which interaction the gateway served).
// Break-glass is flagged three ways: purposeOfUse ETREAT, the security label BTG ("break the glass",
// v3 ActCode) in meta.security, and an extension carrying the commitment to the written reason.
import { ACT_REASON, CARECHAIN_SYSTEMS, type Json } from '../consent/fhir.ts';
import type { AccessEventRecord } from './types.ts';

export const RECORDS_SYSTEMS = {
  record: 'urn:carechain:record',
  practitionerRole: 'urn:carechain:practitioner-role',
  breakGlassReasonCommitment: 'urn:carechain:extension:break-glass-reason-commitment',
  ledgerTx: 'urn:carechain:extension:ledger-tx',
} as const;

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';

const coding = (system: string, code: string, display?: string): Json =>
  display === undefined ? { system, code } : { system, code, display };

const organisationRef = (orgId: string): Json => ({
  type: 'Organization',
  identifier: { system: CARECHAIN_SYSTEMS.organisation, value: orgId },
});

/** The RESTful interaction and AuditEvent.action (BALP: R read, E query/search, U update). */
function interaction(event: AccessEventRecord): { code: string; action: string } {
  if (event.action === 'write') return { code: 'update', action: 'U' };
  return event.records.length === 1 ? { code: 'read', action: 'R' } : { code: 'search', action: 'E' };
}

function userAgent(event: AccessEventRecord, purposeOfUse: Json[]): Json {
  const agent: Record<string, Json> = {
    type: {
      coding: [
        coding('http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'IRCP', 'information recipient'),
      ],
    },
    who: {
      // Only a registered practitioner is known to be one; any other requester is just a key.
      ...(event.requesterRole === null ? {} : { type: 'Practitioner' }),
      identifier: { system: CARECHAIN_SYSTEMS.practitionerKey, value: event.requester },
    },
    requestor: true,
    purposeOfUse,
  };
  if (event.requesterRole !== null) {
    agent.role = [{ coding: [coding(RECORDS_SYSTEMS.practitionerRole, event.requesterRole)] }];
  }
  return agent;
}

export function toAuditEvent(event: AccessEventRecord): Record<string, Json> {
  const { code, action } = interaction(event);
  const purposeOfUse: Json[] = [{ coding: [coding(ACT_REASON, event.purpose)] }];
  const extension: Json[] = [{ url: RECORDS_SYSTEMS.ledgerTx, valueString: event.txHash }];
  const resource: Record<string, Json> = { resourceType: 'AuditEvent', id: event.eventId };
  if (event.breakGlass !== null) {
    resource.meta = {
      security: [coding('http://terminology.hl7.org/CodeSystem/v3-ActCode', 'BTG', 'break the glass')],
    };
    extension.push({
      url: RECORDS_SYSTEMS.breakGlassReasonCommitment,
      valueString: event.breakGlass.reasonCommitment,
    });
  }
  const entity: Json[] = [
    {
      what: {
        type: 'Patient',
        identifier: { system: CARECHAIN_SYSTEMS.patientPseudonym, value: event.patientPseudonym },
      },
      type: coding(ENTITY_TYPE, '1', 'Person'),
      role: coding(OBJECT_ROLE, '1', 'Patient'),
    },
    ...event.records.map((r): Json => ({
      what: { type: r.resourceType, identifier: { system: RECORDS_SYSTEMS.record, value: r.recordId } },
      type: coding(ENTITY_TYPE, '2', 'System Object'),
      role: coding(OBJECT_ROLE, '4', 'Domain Resource'),
      detail: [{ type: 'version', valueString: String(r.version) }],
    })),
    // The consents that decided it, so the patient sees which of their grants (or denials) applied.
    ...event.consentIds.map((consentId): Json => ({
      what: { type: 'Consent', identifier: { system: CARECHAIN_SYSTEMS.consent, value: consentId } },
      type: coding(ENTITY_TYPE, '2', 'System Object'),
    })),
  ];
  return {
    ...resource,
    extension,
    type: coding('http://terminology.hl7.org/CodeSystem/audit-event-type', 'rest', 'Restful Operation'),
    subtype: [coding('http://hl7.org/fhir/restful-interaction', code, code)],
    action,
    recorded: new Date(event.timeMs).toISOString(),
    // audit-event-outcome: 0 success; 4 minor failure, the class of a refused request (HTTP 4xx).
    outcome: event.outcome === 'granted' ? '0' : '4',
    outcomeDesc: event.reasonCode,
    purposeOfEvent: purposeOfUse,
    agent: [
      {
        type: { coding: [coding(DCM, '110153', 'Source Role ID')] },
        who: organisationRef(event.requesterOrgId),
        requestor: false,
      },
      {
        type: { coding: [coding(DCM, '110152', 'Destination Role ID')] },
        who: organisationRef(event.custodianOrgId),
        requestor: false,
      },
      userAgent(event, purposeOfUse),
    ],
    source: {
      site: 'carechain',
      observer: organisationRef(event.custodianOrgId),
      type: [coding('http://terminology.hl7.org/CodeSystem/security-source-type', '4', 'Application Server')],
    },
    entity,
  };
}
