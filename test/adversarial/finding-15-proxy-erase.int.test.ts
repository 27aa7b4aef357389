// Finding 15 (issue 10): a proxy could erase everything. Erasure cannot be undone, so carechain decides
// that only the patient's own key may ask for it (docs/SECURITY.md, finding 15): a proxy — a guardian
// appointed by the patient, who may read, consent and revoke for them — gets 403 at the erasure route,
// and the chain refuses the proxy's records.requestErasure even sent straight to /api/v1/txs. The
// patient's own request still erases. On a real `carechain node` process over real HTTP. Before the
// fix the proxy's request answered 200 and shredded the patient's record.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { acceptProxy, PatientClient, PatientClientError } from '../../src/client/patient-client.ts';
import { signTx } from '../../src/core/tx.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import { tempDir } from '../harness/chain.ts';
import { http, postJson } from '../harness/http.ts';
import { makeNetwork, registerStaff, staffClient, type TestNetwork } from '../harness/network.ts';
import { startNodeProcess, type NodeProcess } from '../harness/process.ts';

const root = tempDir('carechain-finding15-proxy-');
let net: TestNetwork;
let node: NodeProcess;
let api = '';
let patient: PatientClient;
let guardian: PatientClient;
const guardianSeed = new Uint8Array(randomBytes(32));
let recordId = '';

before(async () => {
  net = await makeNetwork(root.path, ['hospital']);
  node = await startNodeProcess(net.dirs[0]!, 120_000);
  api = net.apiUrls[0]!;
  patient = new PatientClient(api, new Uint8Array(randomBytes(32)));
  await patient.register('hospital');
  const chainId = await patient.chain();
  const accepted = acceptProxy(guardianSeed, chainId, patient.pseudonym, 'guardian');
  await patient.appointProxy(accepted.proxyKey, 'guardian', accepted.proxySignature);
  guardian = new PatientClient(api, guardianSeed, patient.pseudonym);
  const doctor = await registerStaff(net, 'hospital', 'physician');
  const created = await staffClient(doctor).post(
    '/fhir/R4/Patient',
    { resourceType: 'Patient', identifier: [{ system: PATIENT_PSEUDONYM_SYSTEM, value: patient.pseudonym }] },
    'application/fhir+json',
  );
  assert.equal(created.status, 201, JSON.stringify(created.body));
  recordId = created.body.id;
});

after(async () => {
  node?.child.kill('SIGKILL');
  if (node !== undefined) await node.exited;
  root.remove();
});

test('a proxy may not erase: 403 at the route, refused by the chain; the patient’s own request erases', async () => {
  const { accessToken } = await guardian.login();
  // The guardian acts for the patient otherwise: it reads the patient's record.
  const read = await http(`${api}/fhir/R4/Patient/${recordId}`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  assert.equal(read.status, 200, JSON.stringify(read.body));

  await assert.rejects(guardian.requestErasure(accessToken), (err: unknown) => {
    assert.ok(err instanceof PatientClientError, String(err));
    assert.equal(err.status, 403, err.message);
    return true;
  });

  // Signed by the proxy's key and sent straight to the ledger: the chain itself refuses it.
  const account = (await http(`${api}/api/v1/accounts/${guardian.publicKey}`)).body as { nonce?: number };
  const tx = signTx(guardianSeed, {
    chainId: await patient.chain(),
    type: 'records.requestErasure',
    payload: { patientPseudonym: patient.pseudonym, recordIds: 'all' },
    nonce: (account.nonce ?? 0) + 1,
  });
  const direct = await postJson(`${api}/api/v1/txs?wait=commit`, tx);
  assert.ok(direct.status >= 400 && direct.status < 500, `${direct.status} ${JSON.stringify(direct.body)}`);
  assert.match(JSON.stringify(direct.body), /records\.proxy_may_not_erase/);

  // Nothing was erased; the patient's own key still can.
  const still = await http(`${api}/fhir/R4/Patient/${recordId}`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  assert.equal(still.status, 200, JSON.stringify(still.body));
  const own = (await patient.requestErasure((await patient.login()).accessToken)) as {
    receipts: { recordIds: string[] }[];
  };
  assert.deepEqual(
    own.receipts.flatMap((r) => r.recordIds),
    [recordId],
  );
});
