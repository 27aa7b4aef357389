// Schemas for JSON a route passes whole: a record of the chain typed by its app type (the app decides its
// fields), or an object the service checks field by field (a FHIR resource, a model card).
import { Type } from '@sinclair/typebox';

/** A chain record, typed for clients by its app type. */
export function chainRecord<T>(what: string) {
  return Type.Unsafe<T>(Type.Object({}, { additionalProperties: true, description: what }));
}

/** Any JSON object; `what` says what it should be. */
export const anyObject = (what: string) => Type.Object({}, { additionalProperties: true, description: what });
