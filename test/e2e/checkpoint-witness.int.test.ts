// Issue 15 on real processes: three validators and a non-voting member. GET /checkpoint serves a
// signed-note checkpoint cosigned by enough member nodes for the policy of GET /api/v1/witness/policy,
// and an INDEPENDENT checker (test/independent/signed_note_verify.py, Ed25519 from RFC 8032 in Python)
// verifies it with the keys of GET /api/v1/witness/keys. A tx's tlog-proof verifies offline. A member
// node's POST /add-checkpoint cosigns consistent growth only (409 with its size, 422, 403), and a fork
// signed with a member's node key becomes fork evidence on chain.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { leafHash } from '../../src/core/merkle/index.ts';
import {
  formatNote,
  parseCheckpoint,
  parseNote,
  parsePolicy,
  parseProof,
  parseVkey,
  signNoteLine,
  verifier,
  verifyProof,
  SIG_ED25519,
  formatCheckpoint,
} from '../../src/core/c2sp/index.ts';
import { fromHex } from '../../src/core/bytes.ts';
import { readKeyFile } from '../../src/node/keys.ts';
import { tempDir } from '../harness/chain.ts';
import { http, waitFor } from '../harness/http.ts';
import { independentlyCheckNote } from '../harness/independent-verifier.ts';
import { commitTx, makeNetwork, type TestNetwork } from '../harness/network.ts';
import { startCli, startNodeProcesses, stopProcesses, type NodeProcess } from '../harness/process.ts';

const CARECHAIN_BIN = new URL('../../bin/carechain.mjs', import.meta.url).pathname;

const root = tempDir('carechain-witness-');
const procs: NodeProcess[] = [];
let net: TestNetwork;

before(async () => {
  net = await makeNetwork(
    root.path,
    ['hospital', 'clinic', 'pharmacy', { name: 'distributor', power: 0 }],
    'carechain-witness',
  );
  await startNodeProcesses(net.dirs, procs);
});
after(async () => {
  await stopProcesses(procs);
  root.remove();
});

const text = async (url: string, init?: RequestInit) => {
  const response = await fetch(url, init);
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
};

/** Commits a notary.anchor of a document digest (32 bytes of `fill`), signed by `signer`'s admin key. */
function anchorDocument(at: string, signer: string, fill: number) {
  return commitTx(
    net.url(at),
    net.chainId,
    readKeyFile(join(net.dir(signer), 'admin-key.json')),
    'notary.anchor',
    {
      digest: Buffer.alloc(32, fill).toString('hex'),
      kind: 'document',
    },
  );
}

/** The log size the standalone witness last cosigned (0 before its first). */
async function witnessedSize(witnessUrl: string): Promise<number> {
  const state = (await http(`${witnessUrl}/witness`)).body as { heads: { size: number | null }[] };
  return state.heads[0]?.size ?? 0;
}

async function cosignedCheckpoint(url: string): Promise<string> {
  let note = '';
  const ok = await waitFor(async () => {
    const answer = await text(`${url}/checkpoint`);
    note = answer.body;
    return answer.status === 200;
  }, 120_000);
  assert.ok(ok, `no cosigned checkpoint at ${url}: ${note}`);
  return note;
}

test('GET /checkpoint verifies under an independent signed-note checker with a quorum by the policy', async () => {
  for (const url of net.apiUrls) {
    const note = await cosignedCheckpoint(url);
    const keys = (await http(`${url}/api/v1/witness/keys`)).body as {
      origin: string;
      members: { orgId: string; log: string; witness: string; power: number }[];
    };
    const policy = await text(`${url}/api/v1/witness/policy`);
    assert.equal(keys.origin, 'carechain.local/carechain-witness');
    assert.equal(keys.members.length, 4);
    // The policy's keys are the ones the keys route lists (parsed by our code, then checked by the other).
    const parsed = parsePolicy(policy.body);
    for (const m of keys.members) {
      assert.ok([...parsed.witnesses.values()].some((w) => parseVkey(m.witness).keyId === w.keyId));
      assert.ok(parsed.logs.some((l) => parseVkey(m.log).keyId === l.keyId));
      assert.match(m.witness, new RegExp(`^${m.orgId}\\.carechain\\.local/carechain-witness\\+`));
    }
    const verdict = await independentlyCheckNote(note, policy.body);
    assert.equal(verdict.origin, keys.origin);
    assert.equal(verdict.logSigned, true, 'the serving node signed as the log');
    assert.deepEqual(verdict.failed, []);
    assert.equal(verdict.quorum, true, `quorum by the policy; cosigners ${verdict.cosigners.join(',')}`);
    assert.ok(verdict.cosigners.includes('hospital') && verdict.cosigners.includes('clinic'));
    // The same checker refuses the checkpoint with its root changed (it can fail).
    const lines = note.split('\n');
    lines[2] = Buffer.alloc(32, 7).toString('base64');
    const forged = await independentlyCheckNote(lines.join('\n'), policy.body);
    assert.equal(forged.quorum, false);
    assert.notDeepEqual(forged.failed, []);
  }
});

test('a tx has a tlog-proof that verifies offline against the served policy', async () => {
  const { hash } = await anchorDocument('clinic', 'hospital', 9);
  let proofText = '';
  assert.ok(
    await waitFor(async () => {
      const answer = await text(`${net.url('distributor')}/api/v1/proofs/tlog-proof/${hash}`);
      proofText = answer.body;
      return answer.status === 200;
    }, 120_000),
    proofText,
  );
  const policy = parsePolicy((await text(`${net.url('hospital')}/api/v1/witness/policy`)).body);
  const proof = parseProof(proofText);
  const verified = verifyProof(proof, leafHash(proof.extra!), policy);
  assert.ok(verified.cosigners.length >= 3);
  // A different entry under the same path does not verify.
  assert.throws(() => verifyProof(proof, leafHash(new Uint8Array(3)), policy));

  // Offline, by the CLI: the file and the policy alone.
  const policyFile = join(root.path, 'policy.txt');
  const proofFile = join(root.path, 'access.tlog-proof');
  writeFileSync(policyFile, (await text(`${net.url('hospital')}/api/v1/witness/policy`)).body);
  writeFileSync(proofFile, proofText);
  const cli = (file: string) =>
    spawnSync(process.execPath, [CARECHAIN_BIN, 'proof', 'verify', '--policy', policyFile, file], {
      encoding: 'utf8',
    });
  const ok = cli(proofFile);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, new RegExp(`ok: tx ${hash} \\(notary.anchor\\)`));
  // One cosignature line removed below the validators' threshold: refused offline.
  const lines = proofText.split('\n');
  const cosignatures = lines.filter((l) => l.startsWith('— hospital.') || l.startsWith('— clinic.'));
  writeFileSync(proofFile, lines.filter((l) => !cosignatures.includes(l)).join('\n'));
  const refused = cli(proofFile);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /NOT verified.*c2sp.quorum_not_met/);
});

test('a member node witnesses: consistent growth only, 409 with its size, and a fork becomes evidence', async () => {
  const url = net.url('distributor');
  const first = await cosignedCheckpoint(net.url('hospital'));
  const body = (old: number, proof: string[], note: string) =>
    `old ${old}\n${proof.map((p) => `${p}\n`).join('')}\n${note}`;
  const cosigned = await text(`${url}/add-checkpoint`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: body(0, [], first),
  });
  assert.equal(cosigned.status, 200, cosigned.body);
  assert.match(cosigned.body, /^— distributor\.carechain\.local\/carechain-witness /);
  const size = parseCheckpoint(parseNote(first).text).size;

  // A stale old size: 409 with the witness's size as text/x.tlog.size.
  const stale = await text(`${url}/add-checkpoint`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: body(0, [], first),
  });
  if (size > 0) {
    assert.equal(stale.status, 409);
    assert.equal(stale.type, 'text/x.tlog.size');
    assert.equal(stale.body, `${size}\n`);
  }

  // Growth with a bad consistency proof: 422.
  await anchorDocument('hospital', 'clinic', 10);
  let later = '';
  assert.ok(
    await waitFor(async () => {
      later = await cosignedCheckpoint(net.url('hospital'));
      return parseCheckpoint(parseNote(later).text).size > size;
    }, 120_000),
  );
  const laterSize = parseCheckpoint(parseNote(later).text).size;
  const bogus = await text(`${url}/add-checkpoint`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: body(size, [Buffer.alloc(32).toString('base64')], later),
  });
  assert.equal(bogus.status, 422, bogus.body);
  // With the log's real consistency proof: cosigned.
  const consistency = (
    await http(`${net.url('hospital')}/api/v1/proofs/consistency?from=${size}&to=${laterSize}`)
  ).body as { proof: string[] };
  const grown = await text(`${url}/add-checkpoint`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: body(
      size,
      consistency.proof.map((h) => Buffer.from(h, 'hex').toString('base64')),
      later,
    ),
  });
  assert.equal(grown.status, 200, grown.body);

  // A checkpoint no member key signed: 403.
  const stranger = readKeyFile(join(net.dir('hospital'), 'admin-key.json'));
  const origin = 'carechain.local/carechain-witness';
  const forkText = formatCheckpoint({ origin, size: laterSize, rootHash: new Uint8Array(32).fill(3) });
  const strangerNote = formatNote(forkText, [
    signNoteLine(stranger.seed, verifier(origin, SIG_ED25519, fromHex(stranger.publicKey)), forkText),
  ]);
  assert.equal(
    (
      await text(`${url}/add-checkpoint`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: body(laterSize, [], strangerNote),
      })
    ).status,
    403,
  );

  // A fork: the pharmacy's node key signs another root at the cosigned size (a second history).
  const pharmacy = readKeyFile(join(net.dir('pharmacy'), 'node-key.json'));
  const forkNote = formatNote(forkText, [
    signNoteLine(pharmacy.seed, verifier(origin, SIG_ED25519, fromHex(pharmacy.publicKey)), forkText),
  ]);
  const fork = await text(`${url}/add-checkpoint`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: body(laterSize, [], forkNote),
  });
  assert.equal(fork.status, 409);
  assert.equal(fork.body, `${laterSize}\n`);
  let evidence: { kind: string; signedBy: string[]; size: number; txHash: string }[] = [];
  assert.ok(
    await waitFor(async () => {
      evidence = (await http(`${net.url('clinic')}/api/v1/witness/evidence`)).body.evidence;
      return evidence.length > 0;
    }, 120_000),
    'the fork evidence is committed',
  );
  assert.equal(evidence[0]!.kind, 'same-size-other-root');
  assert.deepEqual(evidence[0]!.signedBy, [pharmacy.publicKey]);
  assert.equal(evidence[0]!.size, laterSize);
  // The explorer reads the tx from the ledger API.
  const tx = await http(`${net.url('clinic')}/api/v1/txs/${evidence[0]!.txHash}`);
  assert.equal(tx.status, 200);
  assert.equal(tx.body.tx.type, 'consensus.forkEvidence');
});

test('the standalone witness follows the log, persists its size, and refuses a fork, which shows as evidence', async () => {
  const witness = await startCli([
    'witness',
    '--log',
    net.url('hospital'),
    '--key',
    join(root.path, 'witness-key.json'),
    '--data-dir',
    join(root.path, 'witness'),
    '--port',
    '0',
    '--poll',
    '300',
    '--name',
    'patients-association.example',
  ]);
  procs.push(witness);
  const origin = 'carechain.local/carechain-witness';
  // A non-empty log, whichever tests ran before this one.
  await anchorDocument('clinic', 'clinic', 12);
  let size = 0;
  assert.ok(
    await waitFor(async () => {
      size = await witnessedSize(witness.baseUrl);
      return size > 0;
    }, 120_000),
    'the witness cosigned the log’s checkpoint',
  );
  // It keeps following growth (each step through a consistency proof from the log).
  await anchorDocument('hospital', 'pharmacy', 11);
  let grown = 0;
  assert.ok(
    await waitFor(async () => {
      grown = await witnessedSize(witness.baseUrl);
      return grown > size;
    }, 120_000),
    'the witness followed the growth',
  );
  // A second history: another root at the witness's size, signed as the log by a member's node key.
  const clinic = readKeyFile(join(net.dir('clinic'), 'node-key.json'));
  const forkText = formatCheckpoint({ origin, size: grown, rootHash: new Uint8Array(32).fill(5) });
  const forkNote = formatNote(forkText, [
    signNoteLine(clinic.seed, verifier(origin, SIG_ED25519, fromHex(clinic.publicKey)), forkText),
  ]);
  const refused = await text(`${witness.baseUrl}/add-checkpoint`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: `old ${grown}\n\n${forkNote}`,
  });
  assert.equal(refused.status, 409);
  assert.equal(refused.body, `${grown}\n`);
  assert.ok(
    await waitFor(async () => {
      const evidence = (await http(`${net.url('pharmacy')}/api/v1/witness/evidence`)).body.evidence as {
        signedBy: string[];
        reportedBy: string;
      }[];
      return evidence.some((e) => e.signedBy.includes(clinic.publicKey));
    }, 120_000),
    'the outside witness’s fork report is on chain',
  );
  // An honest checkpoint reported as a fork is not committed: the log checks it against its own log.
  const honest = await cosignedCheckpoint(net.url('hospital'));
  const report = await http(`${net.url('hospital')}/api/v1/witness/evidence`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'same-size-other-root', checkpoint: honest }),
  });
  assert.equal(report.status, 400);
  assert.equal(report.body.error.code, 'c2sp.proof_invalid');
});
