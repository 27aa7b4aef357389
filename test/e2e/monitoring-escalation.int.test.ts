// NEWS2 escalation with a provable response clock over real HTTP (issue 18 §4): staff send a bound
// device's patient's vital signs; a normal set opens nothing, a deteriorating one opens a high-risk
// escalation final on chain and reaches the organisation's alert stream live; the doctor's own signed
// acknowledgement puts the response time on chain and closes the alert. Another organisation's staff,
// the patient and bad input are refused and open nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readEscalation } from '../../src/app/monitoring/keys.ts';
import { RESPONSE_DUE_MS } from '../../src/app/monitoring/escalations.ts';
import type { EscalationBody } from '../../src/contract/monitoring.ts';
import { fhirKeys, fhirTestNodeForTests, patientPseudonymOfTest } from '../harness/fhir-node.ts';
import { http, openEventStream, postJson, waitFor } from '../harness/http.ts';
import { NORMAL_VITALS } from '../../src/app/monitoring/test-fixtures.ts';
import { DETERIORATING_VITALS, oximeter, registerDevice, spareOximeter } from '../harness/monitoring.ts';

const t = fhirTestNodeForTests({ chainId: 'carechain-monitoring-escalation', listen: true });

interface AlertEvent {
  kind: 'escalation.opened' | 'escalation.acknowledged';
  height: number;
  escalation: EscalationBody;
}

const normal = NORMAL_VITALS;
const deteriorating = DETERIORATING_VITALS;

const vitals = (systemId: string, body: unknown, token: string) =>
  postJson(`${t.url}/api/v1/monitoring/devices/${systemId}/vitals`, body, token);
const escalationOf = (id: string, token: string) =>
  http(`${t.url}/api/v1/monitoring/escalations/${id}`, { headers: { authorization: `Bearer ${token}` } });

test('a deteriorating series opens an escalation, live to the care team; its acknowledgement time is on chain', async () => {
  await registerDevice(t, oximeter);
  await registerDevice(t, spareOximeter);
  await t.submit(fhirKeys.patient, 'monitoring.bindDevice', { systemId: oximeter.systemId });
  const alerts = await openEventStream<AlertEvent>(
    `${t.url}/api/v1/monitoring/alerts`,
    'escalation',
    t.tokens.doctor,
  );
  assert.equal(alerts.status, 200);
  const nurseAlerts = await openEventStream<AlertEvent>(
    `${t.url}/api/v1/monitoring/alerts`,
    'escalation',
    t.tokens.nurse,
  );
  try {
    const calm = await vitals(oximeter.systemId, normal, t.tokens.doctor);
    assert.equal(calm.status, 200, JSON.stringify(calm.body));
    assert.deepEqual([calm.body.news2.score, calm.body.news2.risk, calm.body.escalation], [0, 'low', null]);

    // Refused, and nothing opened: another organisation's nurse, the patient, an unbound device, bad input.
    const refusals: [string, unknown, string, number][] = [
      [oximeter.systemId, deteriorating, t.tokens.nurse, 403],
      [oximeter.systemId, deteriorating, t.tokens.patient, 403],
      [spareOximeter.systemId, deteriorating, t.tokens.doctor, 422],
      [oximeter.systemId, { ...deteriorating, pulse: 'fast' }, t.tokens.doctor, 400],
      [oximeter.systemId, { ...deteriorating, consciousness: 'X' }, t.tokens.doctor, 400],
    ];
    for (const [systemId, body, token, status] of refusals) {
      const answer = await vitals(systemId, body, token);
      assert.equal(answer.status, status, JSON.stringify(answer.body));
    }

    const worse = await vitals(oximeter.systemId, deteriorating, t.tokens.doctor);
    assert.equal(worse.status, 200, JSON.stringify(worse.body));
    assert.deepEqual([worse.body.news2.score, worse.body.news2.risk], [10, 'high']);
    const opened: EscalationBody = worse.body.escalation;
    assert.deepEqual(
      [opened.systemId, opened.patient, opened.risk, opened.score, opened.ackedAtMs],
      [oximeter.systemId, patientPseudonymOfTest, 'high', 10, null],
    );
    assert.equal(opened.dueAtMs - opened.openedAtMs, RESPONSE_DUE_MS.high);
    assert.deepEqual(readEscalation(t.state(), opened.escalationId)?.openedHeight, opened.openedHeight);
    assert.ok(
      await waitFor(() => alerts.events.some((e) => e.kind === 'escalation.opened'), 60_000),
      'the alert reached the doctor’s screen',
    );
    assert.equal(alerts.events[0]!.escalation.escalationId, opened.escalationId);
    // Only to staff of the device's organisation.
    assert.equal((await escalationOf(opened.escalationId, t.tokens.nurse)).status, 422);

    // The doctor acknowledges with their own signed tx: who and when are the chain's.
    await t.submit(fhirKeys.doctor, 'monitoring.ackEscalation', { escalationId: opened.escalationId });
    const acked = await escalationOf(opened.escalationId, t.tokens.doctor);
    assert.equal(acked.status, 200, JSON.stringify(acked.body));
    assert.equal(acked.body.ackedBy, fhirKeys.doctor.publicKey);
    assert.equal(acked.body.responseMs, acked.body.ackedAtMs - opened.openedAtMs);
    assert.equal(acked.body.late, false);
    assert.ok(
      await waitFor(() => alerts.events.some((e) => e.kind === 'escalation.acknowledged'), 60_000),
      'the alert closed on the doctor’s screen',
    );
    assert.deepEqual(
      alerts.events.map((e) => e.kind),
      ['escalation.opened', 'escalation.acknowledged'],
    );
    assert.equal(nurseAlerts.status, 200);
    assert.deepEqual(nurseAlerts.events, [], 'another organisation’s staff get none of it');
  } finally {
    alerts.close();
    nurseAlerts.close();
  }
});
