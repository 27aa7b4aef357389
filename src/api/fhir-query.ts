// FHIR query parameters that take one value. The FHIR scope keeps repeated keys (search ANDs them), so a
// route reading a single-valued parameter refuses a second value with a 400 OperationOutcome rather than
// handing an array on (the fuzz run found 500s that way, in bulk export and in trials' searches).
import { FhirError } from '../services/fhir/operation-outcome.ts';

export function givenOnce(query: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || typeof value === 'string') return value;
  throw FhirError.invalid(`${name} may be given once`, name);
}
