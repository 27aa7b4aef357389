// Fixtures for the consent module's unit tests (imported by *.test.ts only).
import assert from 'node:assert/strict';
import {
  alice,
  alicePseudonym,
  clinicAdmin,
  doctor,
  enrolPatientWithProxy,
  guardian,
  hospitalAdmin,
  nurse,
  TestChain,
} from '../test-support.ts';
import { evaluateAccess } from './evaluate.ts';
import { consentsOf } from './store.ts';
import type { AccessRequest } from './types.ts';

export { alice, doctor, guardian, nurse };
export const pseudonym = alicePseudonym;
export const id = (n: number) => n.toString(16).padStart(64, '0');

/** Alice (with a guardian), a physician at St Mary and a nurse at Riverside. */
export function setup(): TestChain {
  const chain = new TestChain();
  const reg = (admin = hospitalAdmin, key = doctor.key, orgId = 'st-mary', role = 'physician') =>
    chain.submit(admin, 'membership.registerPractitioner', { orgId, practitionerKey: key, role });
  assert.equal(reg(), 'ok');
  assert.equal(reg(clinicAdmin, nurse.key, 'riverside', 'nurse'), 'ok');
  enrolPatientWithProxy(chain, alice, guardian);
  chain.commit();
  return chain;
}

/** A doctor's consent.request for the patient's Observations, for treatment, from time 0 on. */
export function requestPayload(overrides: object = {}): object {
  return {
    requestId: id(7),
    patientPseudonym: pseudonym,
    resourceTypes: ['Observation'],
    purposes: ['TREAT'],
    actions: ['read'],
    period: { startMs: 0, endMs: null },
    reasonCode: 'referral',
    ...overrides,
  };
}

export function grantPayload(overrides: object = {}): object {
  return {
    consentId: id(1),
    grantee: { kind: 'organisation', orgId: 'riverside' },
    resourceTypes: ['Observation', 'Condition'],
    purposes: ['TREAT'],
    actions: ['read'],
    period: { startMs: 0, endMs: null },
    provision: 'permit',
    ...overrides,
  };
}

export function nurseReads(chain: TestChain, atHeight = chain.height, resourceType = 'Observation'): string {
  const request: AccessRequest = {
    patientPseudonym: pseudonym,
    requester: { key: nurse.key, orgId: 'riverside', role: 'nurse' },
    resourceType,
    purpose: 'TREAT',
    action: 'read',
    atMs: chain.timeMs,
    atHeight,
  };
  return evaluateAccess(consentsOf(chain.state, pseudonym), request).reason;
}
