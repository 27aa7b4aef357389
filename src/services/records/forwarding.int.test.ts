// A custodian is another institution, so its answer to a forwarded read is peer input: whatever shape
// it arrives in, the requesting node answers 502 (or passes on a well-formed refusal), never crashes.
// The node and its chain are real; only the custodian across the wire is a hostile stand-in that
// answers what each case says.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { scopesOf } from '../auth/scopes.ts';
import type { Caller } from '../auth/caller.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import type { CarechainNode } from '../../node/node.ts';
import { fhirKeys, startFhirTestNode, type FhirTestNode } from '../../../test/harness/fhir-node.ts';
import { forwardRead } from './forwarding.ts';

let fhir: FhirTestNode;
before(async () => {
  fhir = await startFhirTestNode({ chainId: 'carechain-forwarding', dirPrefix: 'carechain-forwarding-' });
});
after(() => fhir?.close());

const doctor: Caller = {
  kind: 'practitioner',
  publicKey: fhirKeys.doctor.publicKey,
  orgId: 'hospital',
  role: 'physician',
  scopes: scopesOf('user/*.rs'),
  context: 'user',
};

/** The real node, seen through a peer channel whose custodian answers `answer` to every read. */
function requesterFacing(answer: unknown): CarechainNode {
  const hostilePeer = { request: () => Promise.resolve({ answers: [answer] }) };
  return Object.create(fhir.node, { network: { value: hostilePeer } }) as CarechainNode;
}

async function statusOf(answer: unknown): Promise<number> {
  try {
    await forwardRead(requesterFacing(answer), 'hospital', doctor, 'TREAT', {
      op: 'read',
      type: 'Observation',
      id: 'obs-1',
    });
  } catch (err) {
    assert.ok(err instanceof FhirError, `a FhirError, not ${String(err)}`);
    return err.statusCode;
  }
  return 200;
}

const MALFORMED: [string, unknown][] = [
  ['null', null],
  ['a number', 42],
  ['a string', 'ok'],
  ['a refusal without a body', { refused: null }],
  ['a refusal with a 2xx status', { refused: { status: 200, issues: [] } }],
  ['a refusal with a status that is not a number', { refused: { status: '404', issues: [] } }],
  ['a refusal without issues', { refused: { status: 404, issues: 'none' } }],
  ['a height that is not a number', { height: 'tip', versions: [] }],
  ['a negative fraction of a height', { height: -1.5, versions: [] }],
  ['versions that are not a list', { height: 1, versions: { 0: 'x' } }],
  [
    'a version not on chain',
    { height: 1, versions: [{ recordId: 'no-such-record', version: 1, package: {} }] },
  ],
  ['a version that is not an object', { height: 1, versions: [null] }],
];

test('a malformed answer from the custodian is a 502, never a crash or a 500', async () => {
  for (const [name, answer] of MALFORMED) {
    assert.equal(await statusOf(answer), 502, name);
  }
});

test('control: a well-formed answer is not 502 (a refusal keeps its status, an empty read succeeds)', async () => {
  const issues = [{ severity: 'error', code: 'forbidden', diagnostics: 'no consent' }];
  assert.equal(await statusOf({ refused: { status: 403, issues } }), 403);
  assert.equal(await statusOf({ height: 1, versions: [] }), 200);
});
