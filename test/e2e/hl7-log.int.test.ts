// Issue 21 §6, the HL7 message log's API on a real `carechain node` process: messages sent over real MLLP
// sockets are listed newest first with their status and ACK codes (an AE and an AR with their ERR code),
// a final one with the tx that made it final; the filters and pages hold; an enhanced-mode message shows
// its CA and then its AA. Only the hospital's administrators and lab technicians read it: its physician,
// another organisation's staff and a patient are refused, and no token is 401. No PHI: the patient's
// name, identifier and birth date from the messages appear nowhere in any answer.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PRACTITIONER_SCOPES_DEFAULT } from '../../src/api/auth/practitioner-login.ts';
import { scopesOf } from '../../src/services/auth/scopes.ts';
import { HL7_API } from '../../src/contract/hl7.ts';
import { generateKeyPair, readKeyFile } from '../../src/node/keys.ts';
import { ADMIN_KEY_FILE } from '../../src/node/config.ts';
import { startHl7Node, type Hl7Node } from '../harness/hl7-node.ts';
import { http, waitFor } from '../harness/http.ts';
import { ackCodes, mllpAnswers, mllpExchange } from '../harness/mllp.ts';
import { commitTx, issuerOf, registerPatient, registerPractitioner } from '../harness/network.ts';

const FACILITY = 'GOOD HEALTH LAB';
/** What must never leave the node through the log: PID-5's family name, PID-3's value, PID-7. */
const FAMILY = 'Quennellworth';
const MRN = 'MRN-LOG-4471';
const BIRTH_DATE = '19730419';
const WAIT_MS = 60_000;

const message = (controlId: string, type: string, pid3: string, modes = '') =>
  [
    `MSH|^~\\&|LIS|${FACILITY}|CARECHAIN|HOSPITAL|20261207120000+0000||${type}|${controlId}|P|2.5.1${modes === '' ? '' : `|||${modes}`}`,
    `PID|1||${pid3}||${FAMILY}^Ottoline||${BIRTH_DATE}|F`,
    'OBR|1|ORD-L1^PAS|FIL-L1^LIS|58410-2^CBC panel^LN|||20261207100000+0000||||||||||||||||||F',
    'OBX|1|NM|718-7^Hemoglobin^LN||13.2|g/dL^^UCUM|12.0-15.5|N|||F',
  ].join('\r');
const PID3 = `${MRN}^^^GOOD HEALTH&2.16.840.1.113883.19.5&ISO^MR`;

let hospital: Hl7Node;
const tokens = { admin: '', labTechnician: '', physician: '', otherOrg: '', patient: '' };

before(async () => {
  hospital = await startHl7Node('hl7-log-', [FACILITY], { otherOrgs: [{ name: 'clinic', type: 'clinic' }] });
  const { net } = hospital;
  tokens.labTechnician = hospital.token;
  tokens.admin = await registerPractitioner(net, 'hospital', generateKeyPair(), 'admin');
  tokens.physician = await registerPractitioner(net, 'hospital', generateKeyPair(), 'physician');
  tokens.patient = await registerPatient(net, 'hospital', generateKeyPair());
  // The clinic's administrator, registered on chain by the clinic's own admin key; the clinic runs no
  // node here, so the hospital's node signs the token (a token another node signed is refused earlier).
  const clinicAdmin = generateKeyPair();
  await commitTx(
    net.url('hospital'),
    net.chainId,
    readKeyFile(join(net.dir('clinic'), ADMIN_KEY_FILE)),
    'membership.registerPractitioner',
    { orgId: 'clinic', practitionerKey: clinicAdmin.publicKey, role: 'admin' },
  );
  const issuer = await issuerOf(net.dir('hospital'), net.url('hospital'));
  tokens.otherOrg = (
    await issuer.issue({
      subject: clinicAdmin.publicKey,
      kind: 'practitioner',
      orgId: 'clinic',
      scopes: scopesOf(PRACTITIONER_SCOPES_DEFAULT),
    })
  ).accessToken;
});

after(() => hospital?.stop());

/** As the hospital's administrator by default; null: without a token. */
const get = (path: string, token: string | null = tokens.admin) =>
  http(`${hospital.net.url('hospital')}${HL7_API}${path}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });

/** Every answer body of the test, to check for PHI at the end. */
const seen: unknown[] = [];
async function read(path: string, token?: string): Promise<any> {
  const answer = await get(path, token);
  assert.equal(answer.status, 200, `${path}: ${JSON.stringify(answer.body)}`);
  seen.push(answer.body);
  return answer.body;
}

test('the log lists each message with its status and ACK, AE and AR with their ERR, AA with its tx; no PHI', async () => {
  const final = await mllpExchange(hospital.hl7Port, message('LOG-AA-1', 'ORU^R01^ORU_R01', PID3));
  assert.equal(ackCodes(final).msa, 'AA', final);
  const refused = await mllpExchange(hospital.hl7Port, message('LOG-AR-1', 'ORU^R30^ORU_R30', PID3));
  assert.deepEqual([ackCodes(refused).msa, ackCodes(refused).err], ['AR', '201'], refused);
  const error = await mllpExchange(hospital.hl7Port, message('LOG-AE-1', 'ORU^R01^ORU_R01', ''));
  assert.deepEqual([ackCodes(error).msa, ackCodes(error).err], ['AE', '101'], error);
  // An unknown sender's message is refused before anything is written, the log included.
  const stranger = message('LOG-STRANGER-1', 'ORU^R01^ORU_R01', PID3).replace(FACILITY, 'ROGUE LAB');
  assert.equal(ackCodes(await mllpExchange(hospital.hl7Port, stranger)).msa, 'AR');

  // Each row is committed before its ACK is sent: the log has them all now, newest first.
  const listed = await read('/messages');
  assert.equal(listed.orgId, 'hospital');
  const rows = listed.messages.map((m: any) => [
    m.controlId,
    m.status,
    m.ackCode,
    m.errorCode,
    m.messageType,
  ]);
  assert.deepEqual(rows, [
    ['LOG-AE-1', 'error', 'AE', '101', 'ORU^R01'],
    ['LOG-AR-1', 'refused', 'AR', '201', 'ORU^R30'],
    ['LOG-AA-1', 'final', 'AA', null, 'ORU^R01'],
  ]);
  const [ae, ar, aa] = listed.messages;
  assert.match(ae.errorText, /^PID-3 \(patient identifier list\) is required$/);
  assert.match(ar.errorText, /ORU\^R30 is not supported/);
  assert.deepEqual([aa.sendingApplication, aa.sendingFacility, aa.sender], ['LIS', FACILITY, FACILITY]);
  assert.ok(aa.recordCount >= 4, `an ORU with one OBR and OBX writes at least 4 records: ${aa.recordCount}`);
  assert.equal(aa.acknowledgedAtMs, aa.finalAtMs, 'the AA is the last ACK, sent when it was final');
  assert.equal(ae.finalAtMs, null);
  // The tx the log names is on chain, at the height it names.
  const tx = await http(`${hospital.net.url('hospital')}/api/v1/txs/${aa.txHash}`);
  assert.equal(tx.status, 200, JSON.stringify(tx.body));
  assert.equal(tx.body.height, aa.height);
  const byStatus = Object.fromEntries(listed.summary.map((s: any) => [s.status, s.count]));
  assert.deepEqual(byStatus, { accepted: 0, final: 1, error: 1, refused: 1 });

  // One message: its row and the ACK it got.
  const detail = await read(`/messages/${aa.id}`);
  assert.deepEqual(detail.message, aa);
  assert.deepEqual(
    detail.acks.map((a: any) => [a.code, a.errorCode]),
    [['AA', null]],
  );

  // Filters and pages.
  const errors = await read('/messages?status=error');
  assert.deepEqual(
    errors.messages.map((m: any) => m.controlId),
    ['LOG-AE-1'],
  );
  const oru = await read(`/messages?type=${encodeURIComponent('ORU^R30')}`);
  assert.deepEqual(
    oru.messages.map((m: any) => m.controlId),
    ['LOG-AR-1'],
  );
  const first = await read('/messages?limit=2');
  assert.deepEqual(
    first.messages.map((m: any) => m.controlId),
    ['LOG-AE-1', 'LOG-AR-1'],
  );
  const second = await read(`/messages?limit=2&before=${first.next}`);
  assert.deepEqual([second.messages.map((m: any) => m.controlId), second.next], [['LOG-AA-1'], null]);

  // A re-send of the final message is answered AA again and changes nothing in the log.
  assert.equal(
    ackCodes(await mllpExchange(hospital.hl7Port, message('LOG-AA-1', 'ORU^R01^ORU_R01', PID3))).msa,
    'AA',
  );
  assert.deepEqual((await read(`/messages/${aa.id}`)).acks.length, 1);
  assert.equal((await read('/messages')).messages.length, 3);

  assertNoPhi();
});

test('an enhanced-mode message shows its CA, then its AA once final', async () => {
  const text = message('LOG-ENH-1', 'ORU^R01^ORU_R01', PID3, 'AL|AL');
  const [accept, application] = await mllpAnswers(hospital.hl7Port, text, 2, 120_000);
  assert.deepEqual([ackCodes(accept!).msa, ackCodes(application!).msa], ['CA', 'AA']);
  let row: any;
  // The application ACK went out once its row was committed; wait only for the read to see it.
  const ok = await waitFor(async () => {
    const body = await read('/messages?limit=1');
    row = body.messages[0];
    return row?.controlId === 'LOG-ENH-1' && row.status === 'final';
  }, WAIT_MS);
  assert.ok(ok, JSON.stringify(row));
  assert.equal(row.mode, 'enhanced');
  const detail = await read(`/messages/${row.id}`);
  assert.deepEqual(
    detail.acks.map((a: any) => a.code),
    ['CA', 'AA'],
  );
  assertNoPhi();
});

test('only the hospital’s administrators and lab technicians read its log', async () => {
  const listed = await read('/messages', tokens.labTechnician);
  assert.ok(listed.messages.length > 0);
  const id = listed.messages[0].id;
  for (const path of ['/messages', `/messages/${id}`]) {
    for (const [who, token, status] of [
      ['no token', null, 401],
      ['the hospital’s physician', tokens.physician, 403],
      ['another organisation’s administrator', tokens.otherOrg, 403],
      ['a patient of the hospital', tokens.patient, 403],
    ] as const) {
      const answer = await get(path, token);
      assert.equal(answer.status, status, `${path}, ${who}: ${JSON.stringify(answer.body)}`);
      if (token !== null) assert.equal(answer.body.error.code, 'hl7.staff_only', `${path}, ${who}`);
      seen.push(answer.body);
    }
  }
});

test('bad queries and unknown ids are refused with a clear 4xx', async () => {
  for (const [path, status] of [
    ['/messages?status=lost', 400],
    ['/messages?limit=0', 400],
    ['/messages?limit=101', 400],
    ['/messages?before=-1', 400],
    ['/messages?type=%3Cscript%3E', 400],
    ['/messages/0', 400],
    ['/messages/not-an-id', 400],
    ['/messages/999999', 404],
  ] as const) {
    const answer = await get(path);
    assert.equal(answer.status, status, `${path}: ${JSON.stringify(answer.body)}`);
    assert.equal(typeof answer.body.error.code, 'string', path);
  }
  assert.equal((await get('/messages/999999')).body.error.code, 'hl7.not_found');
});

/** The check can fail: the same search finds the name in the messages the test sent. */
function assertNoPhi(): void {
  assert.ok(message('X', 'ORU^R01', PID3).includes(FAMILY));
  const json = JSON.stringify(seen);
  for (const phi of [FAMILY, MRN, BIRTH_DATE, 'Ottoline']) {
    assert.ok(!json.includes(phi), `${phi} appears in an answer of the log`);
  }
}
