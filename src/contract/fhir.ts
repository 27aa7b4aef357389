// The FHIR shapes the node's clients read (the web app, the patient client), in one place: a resource as
// JSON, the Bundles searches and lists answer with, and the OperationOutcome every FHIR failure is. FHIR
// itself defines them (HL7 FHIR R4, typed by @types/fhir); carechain reads any resource field by field,
// so a resource here is its type and id plus whatever else FHIR gives it.
import { Type } from '@sinclair/typebox';
import type { Bundle, OperationOutcome } from 'fhir/r4.js';

/** Any FHIR R4 resource as JSON: the type and id are named, other fields are read one by one. */
export type FhirResource = Record<string, unknown> & { resourceType: string; id?: string };

/** A searchset (or any) Bundle whose entries carry resources read field by field. */
export type FhirBundle = Bundle<FhirResource>;

/** What a FHIR interaction answers on failure (api/errors.ts answerAsFhir). */
export type FhirOperationOutcome = OperationOutcome;

/** A FHIR R4 resource, as FHIR defines it (validated by the gateway, not here). */
export const fhirResourceSchema = Type.Unsafe<FhirResource>(
  Type.Object(
    { resourceType: Type.String() },
    { additionalProperties: true, description: 'a FHIR R4 resource' },
  ),
);

/** A FHIR Bundle (a searchset, as the list routes beside /fhir/R4 answer). */
export const fhirBundleSchema = Type.Unsafe<FhirBundle>(
  Type.Object(
    { resourceType: Type.Literal('Bundle') },
    { additionalProperties: true, description: 'a FHIR searchset Bundle' },
  ),
);
