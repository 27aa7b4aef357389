// Fixtures for the records module's unit tests (imported by *.test.ts only): two custodians with a node
// each, practitioners at both, two patients (Alice with a guardian), and payload builders.
import assert from 'node:assert/strict';
import { patientPseudonym } from '../membership/pseudonym.ts';
import type { BasePolicy, BreakGlassBudget } from './policy.ts';
import {
  alice,
  alicePseudonym,
  appointProxy,
  clinicAdmin,
  doctor,
  guardian,
  nurse,
  hospitalAdmin,
  hospitalNode,
  genesisOrg,
  party,
  stMaryOrg,
  TestChain,
  testGenesis,
  validator,
  type Party,
} from '../test-support.ts';

export const clinicNode = party('riverside node');
export const bob = party('bob');
export const privacyOfficer = party('privacy officer st-mary');
export const nurse2 = party('second nurse riverside');
export const stranger = party('stranger');
export const pseudonym = alicePseudonym;
export const bobPseudonym = patientPseudonym(bob.key);
export { alice, doctor, guardian, nurse, hospitalAdmin, hospitalNode, clinicAdmin, validator, type Party };

/** A distinct 32-byte hex value per (kind, n): ids and commitments never collide by accident. */
export const hex = (n: number, kind = 0): string => (kind * 0x10000 + n).toString(16).padStart(64, '0');
export const recordId = (n: number): string => hex(n, 1);
export const eventId = (n: number): string => hex(n, 2);
export const consentId = (n: number): string => hex(n, 3);
export const commitment = (record: number, version: number): string => hex(record * 1000 + version, 4);

export const distributorAdmin = party('northwind admin');
export const insurerAdmin = party('acme insurance admin');

const DEFAULT_BUDGET: BreakGlassBudget = {
  windowMs: 24 * 60 * 60 * 1000,
  perPractitioner: 10,
  perOrganisation: 100,
};

function genesisApp(breakGlass?: BreakGlassBudget, basePolicy?: BasePolicy) {
  const records = {
    breakGlass: { ...(breakGlass ?? DEFAULT_BUDGET) },
    ...(basePolicy === undefined ? {} : { basePolicy }),
  };
  return {
    ...(breakGlass === undefined && basePolicy === undefined ? {} : { records }),
    membership: {
      organisations: [
        stMaryOrg(),
        genesisOrg('riverside', 'Riverside Clinic', 'clinic', clinicAdmin, [clinicNode]),
        // Members that give no care: their staff may neither break the glass nor write records.
        genesisOrg('northwind', 'Northwind Distribution', 'distributor', distributorAdmin, []),
        genesisOrg('acme-insurance', 'Acme Insurance', 'insurer', insurerAdmin, []),
      ],
    },
  };
}

/**
 * Alice (with a guardian) and Bob; a physician and a privacy officer at St Mary; two nurses at Riverside;
 * a break-glass budget and a base policy in genesis when given (else the defaults apply).
 */
export function setup(breakGlass?: BreakGlassBudget, basePolicy?: BasePolicy): TestChain {
  const chain = new TestChain(testGenesis(genesisApp(breakGlass, basePolicy)));
  const reg = (admin: Party, who: Party, orgId: string, role: string) =>
    assert.equal(
      chain.submit(admin, 'membership.registerPractitioner', { orgId, practitionerKey: who.key, role }),
      'ok',
    );
  reg(hospitalAdmin, doctor, 'st-mary', 'physician');
  reg(hospitalAdmin, privacyOfficer, 'st-mary', 'privacy-officer');
  reg(clinicAdmin, nurse, 'riverside', 'nurse');
  reg(clinicAdmin, nurse2, 'riverside', 'nurse');
  // Both in St Mary's care: its clinical staff write their records without a write consent.
  const inCare = { custodianOrgId: 'st-mary' };
  assert.equal(chain.submit(alice, 'membership.registerPatient', inCare), 'ok');
  assert.equal(chain.submit(bob, 'membership.registerPatient', inCare), 'ok');
  assert.equal(appointProxy(chain, alice, guardian), 'ok');
  chain.commit();
  return chain;
}

/** A registration by St Mary's physician (its node signs for him). */
export function registerPayload(n: number, version = 1, overrides: object = {}): object {
  return {
    practitioner: doctor.key,
    recordId: recordId(n),
    version,
    resourceType: 'Observation',
    patientPseudonym: pseudonym,
    custodianOrgId: 'st-mary',
    commitment: commitment(n, version),
    ...overrides,
  };
}

/** A records.registerBatch payload: the registrations (as registerPayload builds them) by one writer. */
export function batchPayload(registrations: object[], practitioner = doctor.key): object {
  return {
    practitioner,
    registrations: registrations.map((r) => {
      const { practitioner: _, ...registration } = r as Record<string, unknown>;
      return registration;
    }),
  };
}

/** Registers versions 1..versions of record n at St Mary (by its node) for the given patient. */
export function registerRecord(
  chain: TestChain,
  n: number,
  opts: { versions?: number; resourceType?: string; patient?: string } = {},
): void {
  for (let v = 1; v <= (opts.versions ?? 1); v++) {
    const payload = registerPayload(n, v, {
      resourceType: opts.resourceType ?? 'Observation',
      patientPseudonym: opts.patient ?? pseudonym,
    });
    assert.equal(chain.submit(hospitalNode, 'records.register', payload), 'ok');
  }
}

/** A read by the Riverside nurse of Alice's record 1, version 1, for treatment, as St Mary's node logs it. */
export function accessPayload(n: number, overrides: object = {}): Record<string, unknown> {
  return {
    eventId: eventId(n),
    requester: nurse.key,
    requesterOrgId: 'riverside',
    purpose: 'TREAT',
    action: 'read',
    resourceTypes: ['Observation'],
    records: [{ recordId: recordId(1), version: 1 }],
    patientPseudonym: pseudonym,
    outcome: 'denied',
    reasonCode: 'consent.none',
    consentIds: [],
    breakGlass: null,
    ...overrides,
  };
}

/** Submits accessPayload(n, overrides) as a records.access tx, by St Mary's node unless signer says. */
export const submitAccess = (chain: TestChain, n: number, overrides: object = {}, signer = hospitalNode) =>
  chain.submit(signer, 'records.access', accessPayload(n, overrides));

/** A chain where record 1 (one version, Alice's Observation at St Mary) is registered and committed. */
export function withRecord(): TestChain {
  const chain = setup();
  registerRecord(chain, 1);
  chain.commit();
  return chain;
}

export function grantPayload(n: number, overrides: object = {}): object {
  return {
    consentId: consentId(n),
    grantee: { kind: 'organisation', orgId: 'riverside' },
    resourceTypes: ['Observation'],
    purposes: ['TREAT'],
    actions: ['read'],
    period: { startMs: 0, endMs: null },
    provision: 'permit',
    ...overrides,
  };
}

export const granted = (ids: string[]) => ({
  outcome: 'granted',
  reasonCode: 'consent.permit',
  consentIds: ids,
});
export const breakGlass = (n = 9) => ({ reasonCommitment: hex(n, 5) });
