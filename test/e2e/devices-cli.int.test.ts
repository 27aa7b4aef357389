// `carechain devices` (issue 18) against a listening custodian node: the hospital's administrator
// registers a device whose key the CLI makes, the patient binds it with her own key file, and `simulate`
// registers, binds and streams signed batches for new patients, every batch committed. A bad system id
// exits non-zero and registers nothing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readDevice } from '../../src/app/monitoring/keys.ts';
import { writeKeyFile } from '../../src/node/keys.ts';
import { tempDir } from '../harness/chain.ts';
import {
  fhirKeys,
  patientPseudonymOfTest,
  startFhirTestNode,
  type FhirTestNode,
} from '../harness/fhir-node.ts';

let t: FhirTestNode;
const dir = tempDir('carechain-devices-cli-');
const adminKey = join(dir.path, 'admin-key.json');
const patientKey = join(dir.path, 'alice.json');

/** Runs the CLI as a child process without blocking this process, which serves the node. */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/carechain.mjs', 'devices', ...args], (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stdout, stderr });
    });
  });
}

before(async () => {
  t = await startFhirTestNode({ chainId: 'carechain-devices-cli-test', listen: true });
  writeKeyFile(adminKey, fhirKeys.hospitalAdmin);
  writeKeyFile(patientKey, fhirKeys.patient);
});
after(async () => {
  await t?.close();
  dir.remove();
});

test('register makes the device’s key and registers it; the patient binds it with her own key', async () => {
  const deviceKey = join(dir.path, 'oximeter.json');
  const registered = await cli(
    'register',
    ...['--api', t.url, '--admin-key', adminKey, '--system-id', '00-1C-05-04-00-00-78-25'],
    ...['--device-key', deviceKey, '--gateway-key', join(dir.path, 'phg.json')],
  );
  assert.equal(registered.code, 0, registered.stderr);
  assert.ok(existsSync(deviceKey), 'the device key was made on this side');
  assert.equal(readDevice(t.state(), '001c050400007825')?.orgId, 'hospital');

  const bound = await cli('bind', '--api', t.url, '--key', patientKey, '--system-id', '001c050400007825');
  assert.equal(bound.code, 0, bound.stderr);
  assert.equal(readDevice(t.state(), '001c050400007825')?.patient, patientPseudonymOfTest);

  const bad = await cli('bind', '--api', t.url, '--key', patientKey, '--system-id', '00-1C');
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /EUI-64/);
});

test('simulate streams signed readings from new patients’ devices, every batch committed', async () => {
  const run = await cli(
    'simulate',
    ...['--api', t.url, '--admin-key', adminKey, '--custodian', 'hospital'],
    ...['--patients', '2', '--rate', '4/s', '--seconds', '6'],
  );
  assert.equal(run.code, 0, run.stderr);
  const done = /done: (\d+) readings committed, (\d+) batches refused/.exec(run.stdout);
  assert.ok(done !== null, run.stdout);
  assert.ok(Number(done[1]) >= 8, `at least one batch per device (${done[1]} readings)`);
  assert.equal(done[2], '0');
});
