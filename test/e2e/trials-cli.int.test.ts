// `carechain trials` (issue 16 §7) as a user runs it, each command a child process, against a listening
// node whose organisation is a research sponsor: the sponsor commits to its protocol with a salt kept in
// a file, registers NCT02513394 from its ClinicalTrials.gov JSON with the staff token from
// CARECHAIN_TOKEN, makes and commits the seed; the patient enrols with their own key file and lists their
// trials; the sponsor locks, unblinds from the seed file and posts the file's results; and anyone checks
// the allocations and the verdict on their own machine. Bad input exits non-zero and says why.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { opensCommitment, seedCommitment } from '../../src/app/trials/index.ts';
import { fromHex } from '../../src/core/bytes.ts';
import { writeKeyFile } from '../../src/node/keys.ts';
import { tempDir } from '../harness/chain.ts';
import { FHIR_BASE, fhirKeys, type FhirTestNode } from '../harness/fhir-node.ts';
import { http } from '../harness/http.ts';
import { PALLAS_STUDY_FILE, startSponsorNode } from '../harness/trials.ts';

const dir = tempDir('carechain-trials-cli-');
const file = (name: string) => join(dir.path, name);

let t: FhirTestNode;
before(async () => {
  t = await startSponsorNode('carechain-trials-cli');
  writeKeyFile(file('alice.json'), fhirKeys.patient);
  writeFileSync(file('protocol.txt'), 'PALLAS protocol, version 1.0\n');
});
after(async () => {
  await t?.close();
  dir.remove();
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `carechain trials …` as a child process (this process serves the node meanwhile). */
function trials(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/carechain.mjs', 'trials', ...args],
      { env: { ...process.env, CARECHAIN_TOKEN: '', ...env } },
      (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stdout, stderr });
      },
    );
  });
}

/** A command that must succeed; answers its output. */
async function ok(args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const run = await trials(args, env);
  assert.equal(run.code, 0, `trials ${args[0]}: ${run.stderr}${run.stdout}`);
  return run.stdout;
}

const api = () => ['--api', t.url];
const asSponsor = () => ({ CARECHAIN_TOKEN: t.tokens.doctor });
const onlyMine = (path: string) => (statSync(path).mode & 0o777).toString(8);

test('help names every command: the registry, the sponsor’s writes and the patient’s own', async () => {
  const help = await ok(['--help']);
  for (const command of ['list', 'show', 'export', 'verdict', 'allocations', 'commit', 'register', 'amend']) {
    assert.match(help, new RegExp(`^\\s+${command}\\b`, 'm'), command);
  }
  for (const command of [
    'seed',
    'allocate',
    'lock',
    'unblind',
    'results',
    'enrol',
    'reconsent',
    'withdraw',
    'mine',
  ]) {
    assert.match(help, new RegExp(`^\\s+${command}\\b`, 'm'), command);
  }
  assert.match(help, /CARECHAIN_TOKEN/);
});

test('the story from the CLI: commit, register, seed, enrol, lock, unblind, results, checked verdict', async () => {
  const commitment = (await ok(['commit', file('protocol.txt'), '--salt-out', file('protocol.salt')])).trim();
  const { salt } = JSON.parse(readFileSync(file('protocol.salt'), 'utf8'));
  assert.ok(opensCommitment(commitment, readFileSync(file('protocol.txt')), fromHex(salt)));
  assert.equal(onlyMine(file('protocol.salt')), '600');

  const register = ['register', ...api(), '--study', PALLAS_STUDY_FILE, '--protocol', commitment];
  const withSap = [...register, '--sap', 'b'.repeat(64)];
  const noToken = await trials(withSap);
  assert.equal(noToken.code, 1);
  assert.match(noToken.stderr, /set CARECHAIN_TOKEN to a staff bearer token/);
  const id = (await ok(withSap, asSponsor())).trim();
  assert.match(id, /^[0-9a-f]{64}$/);

  const trial = ['--trial', id, ...api()];
  assert.match(await ok(['seed', ...trial, '--seed-out', file('seed.json')], asSponsor()), /^seed committed/);
  assert.equal(onlyMine(file('seed.json')), '600');
  const { seed } = JSON.parse(readFileSync(file('seed.json'), 'utf8'));
  const page = (await http(`${t.url}/api/v1/trials/${id}`)).body;
  assert.equal(
    page.trial.seedCommitment,
    seedCommitment(seed),
    'the chain holds the commitment to the kept seed',
  );

  const alice = [...trial, '--key', file('alice.json')];
  const enrolled = await ok(['enrol', ...alice, '--site', 'clinic', '--version', '1']);
  const enrolTxHash = /tx ([0-9a-f]{64})/.exec(enrolled)![1]!;
  await ok(['allocate', ...trial, '--enrolment', enrolTxHash], asSponsor());
  const mine = JSON.parse(await ok(['mine', ...api(), '--key', file('alice.json'), '--audience', FHIR_BASE]));
  assert.deepEqual(
    mine.map((m: { trialId: string; consentedVersion: number; dataFlows: boolean }) => [
      m.trialId,
      m.consentedVersion,
      m.dataFlows,
    ]),
    [[id, 1, true]],
  );
  assert.match(await ok(['allocations', ...trial]), /^blind: 1 enrolments/);

  await ok(['lock', ...trial, '--database-digest', 'cd'.repeat(32)], asSponsor());
  await ok(['unblind', ...trial, '--seed-file', file('seed.json')], asSponsor());
  const allocations = (await ok(['allocations', ...trial])).trim().split('\n');
  assert.match(allocations[0]!, /^ok {3}the revealed seed opens the commitment/);
  assert.match(allocations[1]!, new RegExp(`^ok {3}${enrolTxHash} at clinic: Arm [AB]$`));

  await ok(['results', ...trial, '--study', PALLAS_STUDY_FILE], asSponsor());
  const verdict = (await ok(['verdict', ...trial])).trim().split('\n');
  assert.match(
    verdict[0]!,
    /^ok {3}outcome root [0-9a-f]{64} is the hash of version 1's registered outcomes$/,
  );
  assert.equal(verdict.length, 1 + 5);
  for (const line of verdict.slice(1)) assert.match(line, /^ok {3}prespecified .*\(proof ok\)$/);

  const listed = await ok(['list', ...api(), '--nct', 'NCT02513394']);
  assert.match(listed, new RegExp(`^${id} {2}NCT02513394 {2}v1 {2}1 enrolled`));
});

test('bad input exits non-zero with a clear message and changes nothing', async () => {
  writeFileSync(file('kept-seed.json'), '{"seed":"kept"}\n');
  const [notHex, unknown, existing] = await Promise.all([
    trials(['verdict', ...api(), '--trial', 'NCT02513394']),
    trials(['verdict', ...api(), '--trial', '0'.repeat(64)]),
    trials(['seed', ...api(), '--trial', '0'.repeat(64), '--seed-out', file('kept-seed.json')], asSponsor()),
  ]);
  assert.notEqual(notHex.code, 0);
  assert.match(notHex.stderr, /expected 32 bytes of lowercase hex/);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /\(trials\.unknown_trial\)/);
  // An existing seed file is never overwritten: the seed it holds may be the only copy.
  assert.equal(existing.code, 1);
  assert.match(existing.stderr, /exists already; not overwriting a seed/);
  assert.equal(readFileSync(file('kept-seed.json'), 'utf8'), '{"seed":"kept"}\n');
});
