// The CapabilityStatement served at /fhir/R4/metadata (http.html#capabilities,
// capabilitystatement.html), built from the same table search.ts parses with (search-params.ts), so
// what it advertises is what the server does.
import type { CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r4.js';
import { DIRECTORY_RESOURCE_TYPES, SERVED_RESOURCE_TYPES, searchParamsFor } from './search-params.ts';

/** FHIR R4's own definition of Patient/$everything (patient-operation-everything.html). */
export const PATIENT_EVERYTHING_DEFINITION = 'http://hl7.org/fhir/OperationDefinition/Patient-everything';
/** Da Vinci PAS's operations on Claim (issue 17 §5; services/claims/prior-auth.ts). */
const PAS_OPERATIONS = [
  { name: 'submit', definition: 'http://hl7.org/fhir/us/davinci-pas/OperationDefinition/Claim-submit' },
  { name: 'inquire', definition: 'http://hl7.org/fhir/us/davinci-pas/OperationDefinition/Claim-inquiry' },
];

export { SERVED_RESOURCE_TYPES } from './search-params.ts';

export const FHIR_VERSION = '4.0.1';

/** Instance and type interactions of every served type (issue 4: read, vread, create, update, history, search). */
export const RESOURCE_INTERACTIONS = [
  'read',
  'vread',
  'create',
  'update',
  'history-instance',
  'search-type',
] as const;
/** System interactions: transaction and batch Bundles posted to the base (http.html#transaction). */
export const SYSTEM_INTERACTIONS = ['transaction', 'batch'] as const;

export interface CapabilityOptions {
  /** Base URL of this server's FHIR endpoint, e.g. https://node-a.example/fhir/R4. */
  baseUrl: string;
  /** When this statement was last changed (capabilitystatement.html: date is required); an input, not the clock. */
  date: string;
  softwareVersion: string;
  /** SMART endpoints, also published at /.well-known/smart-configuration (SMART App Launch). */
  smart?: { authorizeUrl?: string; tokenUrl: string };
}

export function capabilityStatement(options: CapabilityOptions): CapabilityStatement {
  const resources = SERVED_RESOURCE_TYPES.map((type): CapabilityStatementRestResource => ({
    type,
    profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
    interaction: RESOURCE_INTERACTIONS.map((code) => ({ code })),
    // Every update is a new on-chain version, and history is readable (issue 4).
    versioning: 'versioned',
    readHistory: true,
    // PUT of a new id creates it under that id (http.html#upsert): EHR exports assign their own ids.
    updateCreate: true,
    // request.ifNoneExist in a Bundle and If-None-Exist on a create, for the directory's types only.
    conditionalCreate: DIRECTORY_RESOURCE_TYPES.has(type),
    conditionalUpdate: false,
    conditionalDelete: 'not-supported',
    searchParam: searchParamsFor(type).map((p) => ({
      name: p.name,
      type: p.type,
      documentation: p.documentation,
    })),
    // Every custodian's records of one patient (issue 13, services/records/everything.ts).
    ...(type === 'Patient'
      ? { operation: [{ name: 'everything', definition: PATIENT_EVERYTHING_DEFINITION }] }
      : {}),
    ...(type === 'Claim' ? { operation: PAS_OPERATIONS } : {}),
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: options.date,
    publisher: 'carechain',
    kind: 'instance',
    software: { name: 'carechain', version: options.softwareVersion },
    implementation: { description: 'carechain FHIR R4 endpoint', url: options.baseUrl },
    fhirVersion: FHIR_VERSION,
    format: ['json'],
    rest: [
      {
        mode: 'server',
        security: security(options.smart),
        resource: resources,
        interaction: SYSTEM_INTERACTIONS.map((code) => ({ code })),
      },
    ],
  };
}

function security(
  smart: CapabilityOptions['smart'],
): NonNullable<CapabilityStatement['rest']>[number]['security'] {
  const oauthUris =
    smart === undefined
      ? []
      : [
          {
            // SMART App Launch 1.0 (conformance): OAuth endpoints as an extension of rest.security.
            url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
            extension: [
              { url: 'token', valueUri: smart.tokenUrl },
              ...(smart.authorizeUrl === undefined
                ? []
                : [{ url: 'authorize', valueUri: smart.authorizeUrl }]),
            ],
          },
        ];
  return {
    ...(oauthUris.length > 0 ? { extension: oauthUris } : {}),
    cors: false,
    service: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
            code: 'SMART-on-FHIR',
            display: 'SMART-on-FHIR',
          },
        ],
        text: 'OAuth2 bearer tokens with SMART v2 scopes',
      },
    ],
    description: 'Every request is authenticated; see /.well-known/smart-configuration.',
  };
}
