// `carechain gov` (issue 15) as an administrator runs it, against a listening node: the hospital's admin
// proposes a parameter change from the CLI, the clinic's and the hospital's admins vote it through, and
// `list` and `show` print the status, the tally and the votes with their reasons; a newcomer's member.json
// (as `carechain init` writes it) becomes an add-member proposal that passes; the help text names every
// command; `validators` prints the set, `keygen` makes a node key, and rotating the only validator to it
// in one step is refused (it would move all the power). Bad input exits non-zero, says why, and puts
// nothing on chain: a stranger's key, a doctor's key, an unknown parameter, a vote that is not
// yes/no/veto, an unknown proposal, plain HTTP beyond this machine.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { memberStatus } from '../../src/app/governance/index.ts';
import { initNodeDir } from '../../src/node/config.ts';
import { generateKeyPair, writeKeyFile, type KeyPair } from '../../src/node/keys.ts';
import { tempDir } from '../harness/chain.ts';
import { fhirKeys, injectJson, startFhirTestNode, type FhirTestNode } from '../harness/fhir-node.ts';
import { waitFor } from '../harness/http.ts';

const WAIT_MS = 120_000;
const dir = tempDir('carechain-gov-cli-');
let t: FhirTestNode;
const keyFiles = { hospital: '', clinic: '', doctor: '', stranger: '' };
let labDir = '';

/** Runs `carechain gov …` as a child process without blocking this process, which serves the node. */
function gov(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/carechain.mjs', 'gov', ...args], (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stdout, stderr });
    });
  });
}

const api = () => ['--api', t.url];
const as = (who: keyof typeof keyFiles) => [...api(), '--key', keyFiles[who]];
const get = (url: string) => injectJson(t.app, { method: 'GET', url, token: null });
const proposalCount = async () => (await get('/api/v1/governance/proposals')).body.proposals.length as number;

/** Runs `carechain gov …` expecting a refusal: a non-zero exit whose stderr says each of `why`. */
async function refused(args: string[], ...why: RegExp[]): Promise<void> {
  const run = await gov(...args);
  assert.notEqual(run.code, 0, run.stdout);
  for (const pattern of why) assert.match(run.stderr, pattern, run.stderr);
}

/** The proposal a write printed: committed ("proposal <id> at block"), or pending ("tx <id> accepted"). */
function writtenId(stdout: string): string {
  const id = /(?:proposal|on|tx) ([0-9a-f]{64})/.exec(stdout)?.[1];
  assert.ok(id, stdout);
  return id;
}

/** Runs `gov propose …`, which must succeed, and answers the new proposal's id. */
async function proposed(...args: string[]): Promise<string> {
  const run = await gov('propose', ...args);
  assert.equal(run.code, 0, run.stderr);
  return writtenId(run.stdout);
}

/** Waits until the proposal's status, as the node reads it, is `status` (a write may answer 202 first). */
async function statusBecomes(id: string, status: string): Promise<void> {
  const ok = await waitFor(async () => {
    const shown = await get(`/api/v1/governance/proposals/${id}`);
    return shown.status === 200 && shown.body.proposal.status === status;
  }, WAIT_MS);
  assert.ok(ok, `proposal ${id} did not become ${status}`);
}

before(async () => {
  t = await startFhirTestNode({ chainId: 'carechain-gov-cli', listen: true });
  const write = (name: keyof typeof keyFiles, key: KeyPair) => {
    keyFiles[name] = join(dir.path, `${name}-admin.json`);
    writeKeyFile(keyFiles[name], key);
  };
  write('hospital', fhirKeys.hospitalAdmin);
  write('clinic', fhirKeys.clinicAdmin);
  write('doctor', fhirKeys.doctor);
  write('stranger', generateKeyPair());
  labDir = join(dir.path, 'lab');
  initNodeDir(labDir, {
    name: 'lab',
    type: 'lab',
    power: 10,
    api: { host: '127.0.0.1', port: 18_081 },
    p2p: { host: '127.0.0.1', port: 19_081 },
  });
});
after(async () => {
  await t?.close();
  dir.remove();
});

test('the help names every governance command and what a proposal needs', async () => {
  const help = await gov('--help');
  assert.equal(help.code, 0, help.stderr);
  for (const command of ['list', 'show', 'validators', 'propose', 'vote', 'keygen']) {
    assert.match(help.stdout, new RegExp(`^\\s+${command}\\b`, 'm'), help.stdout);
  }
  const proposeHelp = await gov('propose', '--help');
  for (const kind of [
    'add-member',
    'remove-member',
    'validator-power',
    'rotate-validator-key',
    'set-parameter',
  ]) {
    assert.match(proposeHelp.stdout, new RegExp(`^\\s+${kind}\\b`, 'm'), proposeHelp.stdout);
  }
  const voteHelp = await gov('vote', '--help');
  assert.equal(voteHelp.code, 0, voteHelp.stderr);
  assert.match(voteHelp.stdout, /--key <file>/);
  assert.match(voteHelp.stdout, /yes, no, veto/);
});

test('a parameter change is proposed, voted through, listed and shown with its votes and reasons', async () => {
  const id = await proposed(
    'set-parameter',
    ...as('hospital'),
    '--name',
    'voting-period-blocks',
    '--value',
    '500',
    '--reason',
    'shorter votes',
  );
  await statusBecomes(id, 'open');

  const clinic = await gov('vote', id, 'yes', ...as('clinic'), '--reason', 'agreed');
  assert.equal(clinic.code, 0, clinic.stderr);
  assert.equal(writtenId(clinic.stdout), id);
  const hospital = await gov('vote', id, 'yes', ...as('hospital'));
  assert.equal(hospital.code, 0, hospital.stderr);
  await statusBecomes(id, 'passed');

  const listed = await gov('list', ...api());
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`${id}  passed at block \\d+`));
  assert.match(listed.stdout, /set-parameter voting-period-blocks = 500; yes 2, no 0, veto 0 of 2 members/);

  const shown = await gov('show', id, ...api());
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /by:\s+hospital at block \d+: "shorter votes"/);
  assert.match(shown.stdout, /clinic\s+yes\s+at block \d+: "agreed"/);
  assert.match(shown.stdout, /hospital\s+yes\s+at block \d+: ""/);

  const json = await gov('show', id, ...api(), '--json');
  const answer = JSON.parse(json.stdout) as { proposal: { status: string }; votes: unknown[] };
  assert.equal(answer.proposal.status, 'passed');
  assert.equal(answer.votes.length, 2);
});

test('a newcomer’s member.json becomes an add-member proposal, and the organisation is admitted', async () => {
  const member = join(labDir, 'member.json');
  const reason = 'the regional lab joins';
  const id = await proposed(
    'add-member',
    ...as('hospital'),
    '--member',
    member,
    '--power',
    '0',
    '--reason',
    reason,
  );
  for (const who of ['hospital', 'clinic'] as const) {
    const voted = await gov('vote', id, 'yes', ...as(who));
    assert.equal(voted.code, 0, voted.stderr);
  }
  await statusBecomes(id, 'passed');
  assert.equal(memberStatus(t.state(), 'lab'), 'active');
  const shown = JSON.parse((await gov('show', id, ...api(), '--json')).stdout);
  assert.equal(shown.proposal.action.orgId, 'lab');
  assert.equal(shown.proposal.action.power, 0);
});

test('validators prints the set; keygen makes a node key, and rotating the only validator to it is refused', async () => {
  const shown = await gov('validators', ...api());
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, new RegExp(`power \\d+  ${fhirKeys.nodeKey.publicKey}`));

  const keyFile = join(dir.path, 'next-node-key.json');
  const made = await gov('keygen', '--out', keyFile);
  assert.equal(made.code, 0, made.stderr);
  const next = /public key ([0-9a-f]{64})/.exec(made.stdout)?.[1];
  assert.ok(next, made.stdout);
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  await refused(['keygen', '--out', keyFile], /exists already/);

  // All the power in one step: a light client trusting the old set could not follow, so it is refused.
  const before = await proposalCount();
  const rotation = ['rotate-validator-key', '--node-key', fhirKeys.nodeKey.publicKey, '--new-key', next];
  await refused(['propose', ...rotation, ...as('hospital'), '--reason', 'key exposed'], /1\/3/);
  assert.equal(await proposalCount(), before);
});

test('bad input exits non-zero, says why, and puts nothing on chain', async () => {
  const before = await proposalCount();
  const removeClinic = ['--org', 'clinic', '--reason', 'x'];
  await refused(
    ['propose', 'remove-member', ...as('stranger'), ...removeClinic],
    /^carechain: .+\(intake\.unknown_signer\)$/m,
  );
  // A key the network knows, but no organisation's admin key: the ledger refuses it.
  await refused(
    ['propose', 'remove-member', ...as('doctor'), ...removeClinic],
    /^carechain: .+\(tx\.rejected\)$/m,
  );

  const unknownParameter = ['set-parameter', '--name', 'no-such', '--value', '1', '--reason', 'x'];
  await refused(['propose', ...unknownParameter, ...as('hospital')], /name/, /tx\.invalid_payload/);
  await refused(['vote', 'ab'.repeat(32), 'maybe', ...as('clinic')], /yes, no, veto/);
  await refused(['show', 'cd'.repeat(32), ...api()], /governance\.proposal_not_found/);
  await refused(['list', '--api', 'http://governance.example.org:8081'], /config\.insecure_api/);
  assert.equal(await proposalCount(), before);
});
