// Finding 8 (issue 10): the custodian trusted the requesting node's word about which practitioner asked
// and with which scopes, so a node could impersonate its own staff, and an access event could name a
// practitioner who never asked. On a real three-node network (a hospital holding an imported Synthea
// patient who lets the clinic read their Observations, a clinic with a physician and a nurse, and a
// pharmacy), the clinic's node operator mints tokens with the clinic node's own key, as a dishonest
// node can, and reads the hospital's record through the clinic's node, which forwards whatever
// delegation the token carries. Each forgery must be 403 at the custodian, with nothing released and
// no access event committed:
//   - no delegation at all (a token issued on the node's say), or one signed by a key the node made;
//   - a token for the nurse, who never signed in (the node speaking for her);
//   - an expired one, one naming another node, one for another network, one with narrower scopes than
//     the token claims;
//   - the physician's genuine delegation replayed by another organisation's node (the pharmacy's).
// A genuine one still reads, through the real sign-in (challenge and delegation signed in the client),
// and the access event names the physician. (A delegation carried for another practitioner than its
// signer cannot be put in a token, which names its own signer only; services/auth/delegation.test.ts
// checks that the custodian refuses it too.) Before the fix every forgery but the replay was answered
// 200 with the record (the custodian checked only that the key was the node's organisation's active
// practitioner), so this test failed; the replay was already refused by that organisation check, and is
// kept as a guard.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { PRACTITIONER_SCOPES_DEFAULT } from '../../src/api/auth/practitioner-login.ts';
import { SIGNED_CHALLENGE_GRANT_TYPE, signChallenge } from '../../src/contract/auth.ts';
import { signDelegation, type SignedDelegation } from '../../src/contract/delegation.ts';
import { toHex } from '../../src/core/bytes.ts';
import { scopesOf } from '../../src/services/auth/scopes.ts';
import { generateKeyPair, readKeyFile } from '../../src/node/keys.ts';
import { observationReadGrant } from '../harness/fhir-client.ts';
import { postJson } from '../harness/http.ts';
import { delegationFor, issuerOf, type Staff } from '../harness/network.ts';
import {
  accessLogOf,
  CLINIC,
  fhirCall,
  HOSPITAL,
  PHARMACY,
  recordsNetworkForTests,
} from '../harness/records-network.ts';
import { join } from 'node:path';

const records = recordsNetworkForTests(
  'carechain-finding08-',
  [HOSPITAL, CLINIC, PHARMACY],
  { hospital: ['physician'], clinic: ['physician', 'nurse'] },
  undefined,
  async ({ network, patient }) => {
    const grant = observationReadGrant(toHex(new Uint8Array(randomBytes(32))), 'clinic');
    await network.commit(network.url('hospital'), patient, 'consent.grant', grant);
  },
);

const physician = (): Staff => records.staff[1]!;
const nurse = (): Staff => records.staff[2]!;
const observationId = () => records.locations.find((l) => l.startsWith('Observation/'))!.split('/')[1]!;
const nodeKeyOf = (org: string) => readKeyFile(join(records.network.dir(org), 'node-key.json')).publicKey;

/** A practitioner token of `org`'s node for `subject`, signed with that node's key as its operator can. */
async function mintedAt(
  org: string,
  subject: Staff,
  delegation: SignedDelegation | undefined,
  scopes = PRACTITIONER_SCOPES_DEFAULT,
): Promise<string> {
  const issuer = await issuerOf(records.network.dir(org), records.network.url(org));
  const claims = { subject: subject.key.publicKey, kind: 'practitioner' as const, orgId: subject.orgId };
  const extra = delegation === undefined ? {} : { delegation };
  return (await issuer.issue({ ...claims, scopes: scopesOf(scopes), ...extra })).accessToken;
}

const readAt = (org: string, token: string) =>
  fhirCall(records.network.url(org), token).get(`/fhir/R4/Observation/${observationId()}`);

test('a genuine sign-in at the clinic (challenge and delegation signed by the physician) reads', async () => {
  const url = records.network.url('clinic');
  const challenge = (await postJson(`${url}/auth/challenge`, {})).body;
  assert.equal(challenge.nodeKey, nodeKeyOf('clinic'), 'the challenge names the node to delegate to');
  assert.equal(challenge.orgId, 'clinic');
  const { seed } = physician().key;
  const chainId = records.network.chainId;
  const delegation = signDelegation(seed, chainId, challenge, { nowMs: Date.now() });
  const signIn = await postJson(`${url}/auth/token`, {
    grant_type: SIGNED_CHALLENGE_GRANT_TYPE,
    kind: 'practitioner',
    ...signChallenge(seed, chainId, challenge),
    delegation,
  });
  assert.equal(signIn.status, 200, JSON.stringify(signIn.body));
  const before = (await accessLogOf(records)).length;
  const read = await readAt('clinic', signIn.body.access_token);
  assert.equal(read.status, 200, JSON.stringify(read.body).slice(0, 300));
  assert.equal(read.body.id, observationId());
  const log = await accessLogOf(records);
  assert.equal(log.length, before + 1);
  assert.equal(log[0].outcome, 'granted');
  assert.equal(log[0].requester, physician().key.publicKey, 'the event names the physician who asked');
  assert.equal(log[0].requesterOrgId, 'clinic');
});

test('control: the harness’s staff token (a delegation signed by the physician) reads too', async () => {
  const read = await readAt('clinic', physician().token);
  assert.equal(read.status, 200, JSON.stringify(read.body).slice(0, 300));
});

test('each forged, stale, misdirected or widened delegation is 403 at the custodian, and nothing is released', async () => {
  const chainId = records.network.chainId;
  const nowMs = Date.now();
  const { seed } = physician().key;
  const toClinic = { nodeKey: nodeKeyOf('clinic'), orgId: 'clinic' };
  const genuine = delegationFor(records.network, 'clinic', physician().key);
  const byNodeMadeKey = {
    ...signDelegation(generateKeyPair().seed, chainId, toClinic, { nowMs }),
    practitionerKey: physician().key.publicKey,
  };
  const cases: [string, string, Staff, SignedDelegation | undefined, string?][] = [
    ['no delegation (a token on the node’s say)', 'clinic', physician(), undefined],
    ['signed by a key the node made', 'clinic', physician(), byNodeMadeKey],
    ['the nurse’s token with no delegation of hers', 'clinic', nurse(), undefined],
    [
      'expired an hour ago',
      'clinic',
      physician(),
      signDelegation(seed, chainId, toClinic, { nowMs: nowMs - 2 * 60 * 60 * 1000 }),
    ],
    [
      'naming the pharmacy’s node',
      'clinic',
      physician(),
      signDelegation(seed, chainId, { ...toClinic, nodeKey: nodeKeyOf('pharmacy') }, { nowMs }),
    ],
    [
      'signed for another network',
      'clinic',
      physician(),
      signDelegation(seed, 'another-network', toClinic, { nowMs }),
    ],
    [
      'narrower than the token’s scopes',
      'clinic',
      physician(),
      signDelegation(seed, chainId, toClinic, { nowMs, scopes: 'user/Patient.r' }),
    ],
    ['replayed by the pharmacy’s node', 'pharmacy', physician(), genuine],
  ];
  // Every case is tried before anything is asserted, so a failure lists each case that got through.
  const outcomes: Record<string, { status: number; released: boolean; events: number }> = {};
  for (const [name, at, who, delegation, scopes] of cases) {
    const before = (await accessLogOf(records)).length;
    const read = await readAt(at, await mintedAt(at, who, delegation, scopes));
    outcomes[name] = {
      status: read.status,
      released: JSON.stringify(read.body).includes(observationId()),
      events: (await accessLogOf(records)).length - before,
    };
    if (read.status === 403) assert.equal(read.body.resourceType, 'OperationOutcome', name);
  }
  const refused = { status: 403, released: false, events: 0 };
  assert.deepEqual(outcomes, Object.fromEntries(cases.map(([name]) => [name, refused])));
});
