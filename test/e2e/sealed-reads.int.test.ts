// End to end to the practitioner (issue 13) on real node processes: a clinic physician with the patient's
// consent reads a hospital Observation through the CLINIC's node, asking for the answer sealed to their own
// key. The custodian wraps the data key for the physician, not for the clinic's node: the body the clinic's
// node relays holds none of the record's PHI (ciphertext only), and only the physician's seed opens it, to
// exactly what the plain forwarded read answers. The clinic's own stores hold none of it after the read.
// A read of the physician's own organisation's records keeps the plain path.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSealedAnswer } from '../../src/client/sealed-answer.ts';
import { SEAL_HEADER, SEAL_TO_PRACTITIONER, SEALED_CONTENT_TYPE } from '../../src/contract/sealed.ts';
import { toHex } from '../../src/core/bytes.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import { observationReadGrant } from '../harness/fhir-client.ts';
import { http } from '../harness/http.ts';
import type { Staff } from '../harness/network.ts';
import { phiOfBundles, scanStores } from '../harness/phi-scan.ts';
import { CLINIC, fhirCall, HOSPITAL, recordsNetworkForTests } from '../harness/records-network.ts';

let hospitalDoctor: Staff;
let clinicDoctor: Staff;

const records = recordsNetworkForTests(
  'carechain-sealed-',
  [HOSPITAL, CLINIC],
  { hospital: ['physician'], clinic: ['physician'] },
  undefined,
  async ({ network, staff, patient }) => {
    [hospitalDoctor, clinicDoctor] = staff as [Staff, Staff];
    await network.commit(
      network.url('hospital'),
      patient,
      'consent.grant',
      observationReadGrant(toHex(new Uint8Array(randomBytes(32))), clinicDoctor.orgId),
    );
  },
);

const sealedRead = (who: Staff, location: string) =>
  http(`${records.network.url(who.orgId)}/fhir/R4/${location}`, {
    headers: { authorization: `Bearer ${who.token}`, [SEAL_HEADER]: SEAL_TO_PRACTITIONER },
  });

/** The PHI of the imported patient that cannot occur by chance in lowercase hex ciphertext. */
const phi = () => phiOfBundles([records.bundle], PATIENT_PSEUDONYM_SYSTEM).filter((s) => /[^0-9a-f]/.test(s));

test('a forwarded read sealed to the practitioner: the requesting node relays ciphertext only', async () => {
  const location = records.locations.find((l) => l.startsWith('Observation/'))!;
  const answer = await sealedRead(clinicDoctor, location);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.match(
    answer.headers.get('content-type') ?? '',
    new RegExp(`^${SEALED_CONTENT_TYPE.replace('+', '\\+')}`),
  );
  assert.equal(answer.body.sealedFor, clinicDoctor.key.publicKey);
  assert.equal(answer.body.versions.length, 1);
  // What the clinic's node relayed names no PHI of the record: no display, no value, no name.
  const relayed = JSON.stringify(answer.body);
  const markers = phi();
  assert.ok(markers.length > 5, 'the bundle has PHI to look for');
  assert.deepEqual(
    markers.filter((m) => relayed.includes(m)),
    [],
  );
  // Only the practitioner's seed opens it, and it is the record the plain forwarded read answers.
  const [opened] = openSealedAnswer(answer.body, clinicDoctor.key.seed);
  assert.throws(() => openSealedAnswer(answer.body, hospitalDoctor.key.seed));
  assert.equal(`${opened!.resourceType}/${opened!.id}`, location);
  assert.ok(
    markers.some((m) => JSON.stringify(opened).includes(m)),
    'the opened record holds the PHI the relay did not',
  );

  // The clinic's node stored nothing of it: its stores hold none of the patient's PHI after the read.
  const clinicDir = records.network.dirs[records.network.names.indexOf('clinic')]!;
  const report = scanStores(join(clinicDir, 'data'), markers);
  assert.deepEqual(
    report.leaks.filter((l) => l.store !== 'directory'),
    [],
  );

  const plain = await fhirCall(records.network.url('clinic'), clinicDoctor.token).get(`/fhir/R4/${location}`);
  assert.equal(plain.status, 200, JSON.stringify(plain.body));
  assert.deepEqual(opened, plain.body);
});

test('the practitioner’s own organisation’s records keep the plain path', async () => {
  const location = records.locations.find((l) => l.startsWith('Patient/'))!;
  const own = await sealedRead(hospitalDoctor, location);
  // The hospital's own Patient: not forwarded, so nothing to seal; consent decides as for any read.
  assert.notEqual(own.headers.get('content-type')?.startsWith(SEALED_CONTENT_TYPE), true);
  assert.ok(own.status === 200 || own.status === 403, `status ${own.status}`);
});
