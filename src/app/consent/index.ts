// The consent module: patient-signed grants and denials after FHIR R4 Consent, their revocation, and
// consent requests from practitioners. State layout: ./store.ts; evaluation: ./evaluate.ts.
import type { AppModule } from '../module.ts';
import { grantHandlers } from './grant.ts';
import { requestHandlers } from './request.ts';

export * from './types.ts';
export { evaluateAccess, granteeCovers, isInForce, periodContains } from './evaluate.ts';
export {
  activeConsents,
  consentCount,
  consentRecord,
  consentRequest,
  consentRequestsOf,
  consentsOf,
  CONSENTS_PER_PATIENT_MAX,
  REQUEST_PAGE_MAX,
  unrevokedConsents,
} from './store.ts';
export { toFhirConsent, CARECHAIN_SYSTEMS } from './fhir.ts';
export { FHIR_R4_RESOURCE_TYPES, isFhirResourceType } from './fhir-resource-types.ts';

export const consentModule: AppModule = {
  name: 'consent',
  handlers: [...grantHandlers, ...requestHandlers],
};
