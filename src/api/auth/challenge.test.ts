import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainId, party } from '../../app/test-support.ts';
import { AuthError } from './errors.ts';
import { challengeMessage, ChallengeStore, signChallenge, type ChallengeResponse } from './challenge.ts';
import { AUDIENCE, seededRandom, T0_MS, TestClock } from './test-support.ts';

const alice = party('alice');
const mallory = party('mallory');

function store(options: { ttlMs?: number; pendingMax?: number; spentMax?: number } = {}) {
  const clock = new TestClock();
  const challenges = new ChallengeStore(
    { audience: AUDIENCE, chainId, ...options },
    { clock, randomBytes: seededRandom() },
  );
  return { clock, challenges };
}

function refused(fn: () => unknown, code: string) {
  assert.throws(fn, (err: unknown) => err instanceof AuthError && err.code === code);
}

test('a challenge signed with the caller key redeems once, for that key', () => {
  const { challenges } = store();
  const challenge = challenges.issue();
  assert.match(challenge.challenge, /^[0-9a-f]{64}$/);
  assert.equal(challenge.audience, AUDIENCE);
  assert.equal(challenge.expiresAtMs, T0_MS + 120_000);
  assert.notEqual(challenges.issue().challenge, challenge.challenge);
  const response = signChallenge(alice.seed, chainId, challenge);
  assert.equal(response.publicKey, alice.key);
  assert.deepEqual(challenges.redeem(response), { publicKey: alice.key });
  refused(() => challenges.redeem(response), 'auth.challenge_replayed');
});

test('the signed bytes are canonical JSON of audience, challenge and public key', () => {
  assert.equal(
    new TextDecoder().decode(challengeMessage('aa', 'https://x', 'bb')),
    '{"audience":"https://x","challenge":"aa","publicKey":"bb"}',
  );
});

test('a signature by another key, for another chain, or over other bytes does not verify', () => {
  const { challenges } = store();
  const challenge = challenges.issue();
  const good = signChallenge(alice.seed, chainId, challenge);
  // Mallory signs and claims to be alice.
  const byMallory = signChallenge(mallory.seed, chainId, challenge);
  refused(() => challenges.redeem({ ...byMallory, publicKey: alice.key }), 'auth.challenge_bad_signature');
  refused(
    () => challenges.redeem(signChallenge(alice.seed, 'another-chain', challenge)),
    'auth.challenge_bad_signature',
  );
  const other = challenges.issue();
  refused(() => challenges.redeem({ ...good, challenge: other.challenge }), 'auth.challenge_bad_signature');
  // A failed attempt spends nothing: alice's own answer still works.
  assert.deepEqual(challenges.redeem(good), { publicKey: alice.key });
  // Mallory logging in as herself is fine: who that key is, is the next question.
  assert.deepEqual(challenges.redeem(signChallenge(mallory.seed, chainId, other)), {
    publicKey: mallory.key,
  });
});

test('an answer signed for another audience is refused before anything else', () => {
  const { challenges } = store();
  const challenge = challenges.issue();
  const elsewhere = signChallenge(alice.seed, chainId, {
    ...challenge,
    audience: 'https://riverside.example/fhir/R4',
  });
  refused(() => challenges.redeem(elsewhere), 'auth.challenge_wrong_audience');
  // Relabelling the audience does not help: the signature covers it.
  refused(() => challenges.redeem({ ...elsewhere, audience: AUDIENCE }), 'auth.challenge_bad_signature');
  assert.deepEqual(challenges.redeem(signChallenge(alice.seed, chainId, challenge)), {
    publicKey: alice.key,
  });
});

test('an expired challenge is refused, and so is one never issued', () => {
  const { clock, challenges } = store({ ttlMs: 1000 });
  const challenge = challenges.issue();
  const response = signChallenge(alice.seed, chainId, challenge);
  clock.advance(1001);
  refused(() => challenges.redeem(response), 'auth.challenge_expired');
  refused(() => challenges.redeem(response), 'auth.challenge_unknown');
  const made = signChallenge(alice.seed, chainId, { challenge: 'cd'.repeat(32), audience: AUDIENCE });
  refused(() => challenges.redeem(made), 'auth.challenge_unknown');
});

test('malformed answers are challenge_invalid', () => {
  const { challenges } = store();
  const good: ChallengeResponse = signChallenge(alice.seed, chainId, challenges.issue());
  const bad: unknown[] = [
    null,
    'text',
    [good],
    {},
    { ...good, challenge: good.challenge.toUpperCase() },
    { ...good, publicKey: good.publicKey.slice(2) },
    { ...good, signature: 42 },
    { ...good, audience: '' },
    { ...good, audience: 'x'.repeat(3000) },
  ];
  for (const input of bad) refused(() => challenges.redeem(input), 'auth.challenge_invalid');
  // A key no one can sign with (the identity point) fails as a bad signature, not a crash.
  refused(
    () => challenges.redeem({ ...good, publicKey: '01' + '00'.repeat(31) }),
    'auth.challenge_bad_signature',
  );
  assert.deepEqual(challenges.redeem(good), { publicKey: alice.key });
});

test('pending and spent challenges are bounded; expired ones are swept', () => {
  const { clock, challenges } = store({ pendingMax: 3, spentMax: 2, ttlMs: 10_000 });
  const first = challenges.issue('a');
  for (let i = 0; i < 2; i++) challenges.issue(`b${i}`);
  assert.equal(challenges.pendingCount, 3);
  // Full: a new client is refused rather than anyone's challenge evicted (finding 10).
  refused(() => challenges.issue('c'), 'auth.challenge_busy');
  const kept = challenges.redeem(signChallenge(alice.seed, chainId, first));
  assert.deepEqual(kept, { publicKey: alice.key });
  clock.advance(10_001);
  challenges.issue();
  assert.equal(challenges.pendingCount, 1);
  // Spent challenges are remembered within their bound; a replay past it is still refused (unknown).
  const spent = [0, 1, 2].map(() => {
    const response = signChallenge(alice.seed, chainId, challenges.issue());
    challenges.redeem(response);
    return response;
  });
  refused(() => challenges.redeem(spent[0]), 'auth.challenge_unknown');
  refused(() => challenges.redeem(spent[2]), 'auth.challenge_replayed');
});
