// A small network for the claims txs' tests: St Mary (a hospital with a node), two insurers with a node
// each, Alice in St Mary's care with one committed Encounter, and builders for claim and PA payloads.
import assert from 'node:assert/strict';
import { toHex, utf8 } from '../../core/bytes.ts';
import { sha256 } from '../../core/crypto/index.ts';
import {
  alice,
  alicePseudonym,
  doctor,
  genesisOrg,
  hospitalAdmin,
  hospitalNode,
  party,
  stMaryOrg,
  TestChain,
  testGenesis,
} from '../test-support.ts';
import { adjudicate, adjudicationDigest } from './adjudicate.ts';
import { DEMO_PLAN_ID, DEMO_RULE_TABLE } from './demo-table.ts';
import type { ClaimFacts } from './types.ts';

export const acmeAdmin = party('acme admin');
export const acmeNode = party('acme node');
export const betaAdmin = party('beta admin');
export const betaNode = party('beta node');
export { alicePseudonym, hospitalNode };

/** A deterministic 32-byte hex id from a label. */
export const id = (label: string): string => toHex(sha256(utf8(label)));
export const ENCOUNTER = id('record: alice encounter');

export function claimsChain(): TestChain {
  const chain = new TestChain(
    testGenesis({
      membership: {
        organisations: [
          stMaryOrg(),
          genesisOrg('acme', 'Acme Insurance', 'insurer', acmeAdmin, [acmeNode]),
          genesisOrg('beta', 'Beta Health', 'insurer', betaAdmin, [betaNode]),
        ],
      },
    }),
  );
  const practitioner = { orgId: 'st-mary', practitionerKey: doctor.key, role: 'physician' };
  assert.equal(chain.submit(hospitalAdmin, 'membership.registerPractitioner', practitioner), 'ok');
  assert.equal(chain.submit(alice, 'membership.registerPatient', { custodianOrgId: 'st-mary' }), 'ok');
  chain.commit();
  const encounter = {
    practitioner: doctor.key,
    recordId: ENCOUNTER,
    version: 1,
    resourceType: 'Encounter',
    patientPseudonym: alicePseudonym,
    custodianOrgId: 'st-mary',
    commitment: id('commitment: encounter v1'),
  };
  assert.equal(chain.submit(hospitalNode, 'records.register', encounter), 'ok');
  assert.equal(chain.submit(acmeNode, 'claims.publishRules', { table: DEMO_RULE_TABLE }), 'ok');
  chain.commit();
  return chain;
}

/** A claims.submit payload of one line per fingerprint label, each citing the Encounter. */
export function submitPayload(claim: string, fingerprints: string[], extra: object = {}): object {
  return {
    claimId: id(claim),
    payerOrgId: 'acme',
    patientPseudonym: alicePseudonym,
    commitment: id(`commitment: ${claim}`),
    use: 'claim',
    frequency: '1',
    replacesClaimId: null,
    lines: fingerprints.map((fp, i) => ({
      sequence: i + 1,
      fingerprint: id(`line: ${fp}`),
      documentation: [{ recordId: ENCOUNTER, version: 1 }],
    })),
    ...extra,
  };
}

/**
 * How a payer adjudicates `facts` under the demo rule table (version 1), and the claims.adjudicate
 * payload that commits it for claimId: what the e2e tests send as the insurer and then replay.
 */
export function demoAdjudication(claimId: string, facts: ClaimFacts) {
  const adjudication = adjudicate(facts, DEMO_RULE_TABLE);
  const { outcome, totalBenefitCents, totalPatientCents } = adjudication;
  const digest = adjudicationDigest(adjudication);
  const payload = { claimId, tableVersion: 1, digest, outcome, totalBenefitCents, totalPatientCents };
  return { adjudication, payload };
}

/** An office visit under the demo plan: a 99213 and a venipuncture the same day. */
export const OFFICE_VISIT: ClaimFacts = {
  planId: DEMO_PLAN_ID,
  use: 'claim',
  type: 'professional',
  items: [
    { sequence: 1, code: '99213', modifiers: [], units: 1, chargeCents: 15_000, serviceDate: '2026-11-02' },
    { sequence: 2, code: '36415', modifiers: [], units: 1, chargeCents: 500, serviceDate: '2026-11-02' },
  ],
  deductibleMetCents: 0,
  authorisedCodes: [],
};
