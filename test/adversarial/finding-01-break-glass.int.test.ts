// Finding 1 (issue 10): break-glass was open to every practitioner of every organisation, with no
// limit, so a distributor's admin or an insurer's claims officer could enumerate record ids from the
// public ledger, loop the route, and have every hospital record. On a real network (a hospital holding
// an imported Synthea patient, a clinic, a distributor and an insurer, each its own node process, with a
// small break-glass budget in genesis):
//   - the distributor's admin and the insurer's claims officer get 403, and only a denial is logged;
//   - a clinic physician looping over the patient's records gets the genesis budget, then 429, and so
//     does the clinic as a whole; every refused attempt is a logged denial that released nothing.
// Before the fix the distributor's and the insurer's reads were answered 200 and the loop ran to the
// end, so this test failed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postJson, type HttpAnswer } from '../harness/http.ts';
import {
  accessLogOf,
  CLINIC,
  DISTRIBUTOR,
  HOSPITAL,
  INSURER,
  recordsNetworkForTests,
} from '../harness/records-network.ts';
import type { Staff } from '../harness/network.ts';

const BUDGET = { windowMs: 24 * 60 * 60 * 1000, perPractitioner: 2, perOrganisation: 3 };
const records = recordsNetworkForTests(
  'carechain-finding01-',
  [HOSPITAL, CLINIC, DISTRIBUTOR, INSURER],
  {
    hospital: ['physician'],
    clinic: ['physician', 'nurse'],
    distributor: ['admin'],
    insurer: ['claims-officer'],
  },
  { breakGlass: BUDGET },
);

/** The staff, in the order startRecordsNetwork registered them. */
const clinicPhysician = () => records.staff[1]!;
const clinicNurse = () => records.staff[2]!;
const distributorAdmin = () => records.staff[3]!;
const claimsOfficer = () => records.staff[4]!;

/** Every Observation the import registered: what an attacker reads off the public ledger. */
const observationIds = () =>
  records.locations.filter((l) => l.startsWith('Observation/')).map((l) => l.split('/')[1]!);

const breakGlass = (who: Staff, id: string) =>
  postJson(
    `${who.apiUrl}/api/v1/records/break-glass`,
    { resourceType: 'Observation', id, purpose: 'ETREAT', reason: 'Unconscious patient; history needed' },
    who.token,
  );

test('a distributor admin and an insurer claims officer get 403, and only a denial is logged', async () => {
  const [id] = observationIds();
  for (const who of [distributorAdmin(), claimsOfficer()]) {
    const answer = await breakGlass(who, id!);
    assert.equal(answer.status, 403, `${who.orgId}: ${JSON.stringify(answer.body)}`);
    assert.match(JSON.stringify(answer.body), /break-glass\.not_allowed/);
    assert.equal(answer.body.resource, undefined);
  }
  const theirs = (await accessLogOf(records)).filter((e) =>
    ['distributor', 'insurer'].includes(e.requesterOrgId),
  );
  assert.equal(theirs.length, 2);
  for (const event of theirs) {
    assert.equal(event.isBreakGlass, true);
    assert.equal(event.outcome, 'denied');
    assert.equal(event.reasonCode, 'break-glass.not_allowed');
  }
});

test('a looping clinician gets the genesis budget, then 429; the organisation budget binds the clinic', async () => {
  const ids = observationIds();
  assert.ok(ids.length > BUDGET.perOrganisation + 2, 'enough records to loop over');
  const answers: HttpAnswer[] = [];
  for (const id of ids.slice(0, BUDGET.perPractitioner + 2))
    answers.push(await breakGlass(clinicPhysician(), id));
  assert.deepEqual(
    answers.map((a) => a.status),
    [200, 200, 429, 429],
  );
  // A 429 says when to ask again (issue 10, "A bounded, fair intake"): the end of the budget's window,
  // passed on by the clinic's node from the hospital's refusal.
  for (const refused of answers.slice(2)) {
    const later = Number(refused.headers.get('retry-after'));
    assert.ok(
      Number.isSafeInteger(later) && later > 0 && later <= BUDGET.windowMs / 1000,
      `Retry-After ${later}`,
    );
  }
  // The nurse has her own budget, but the clinic's is shared: one more, then the clinic is spent.
  const nurse = [await breakGlass(clinicNurse(), ids[0]!), await breakGlass(clinicNurse(), ids[1]!)];
  assert.deepEqual(
    nurse.map((a) => a.status),
    [200, 429],
  );
  assert.match(JSON.stringify(nurse[1]!.body), /break-glass\.organisation_budget/);

  const clinic = (await accessLogOf(records)).filter((e) => e.requesterOrgId === 'clinic');
  const granted = clinic.filter((e) => e.outcome === 'granted');
  assert.equal(granted.length, BUDGET.perOrganisation);
  assert.deepEqual(
    clinic
      .filter((e) => e.outcome === 'denied')
      .map((e) => e.reasonCode)
      .sort(),
    ['break-glass.organisation_budget', 'break-glass.practitioner_budget', 'break-glass.practitioner_budget'],
  );
});
