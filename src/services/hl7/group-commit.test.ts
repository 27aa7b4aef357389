// Group commit: a lone write goes at once; writes that arrive while one is committing share the next
// transaction; a refused batch is written again message by message, so only the bad one is refused; a
// "later" refusal is every message's answer, not retried alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCommit } from './group-commit.ts';

/** A stand-in for the gateway: records each transaction; the first waits until released. */
function gateway(refuse: (entries: readonly unknown[]) => Error | undefined = () => undefined) {
  const transactions: unknown[][] = [];
  let release!: () => void;
  const first = new Promise<void>((resolve) => (release = resolve));
  const write = async (_writer: string, entries: readonly unknown[]) => {
    transactions.push([...entries]);
    if (transactions.length === 1) await first;
    const refusal = refuse(entries);
    if (refusal !== undefined) throw refusal;
  };
  return { transactions, release: () => release(), write };
}

test('writes that arrive while one commits share the next transaction; other writers do not wait', async () => {
  const g = gateway();
  const commits = new GroupCommit<string>(g.write);
  const a = commits.submit('lab', 'lab', ['a1', 'a2']);
  const b = commits.submit('lab', 'lab', ['b1']);
  const c = commits.submit('lab', 'lab', ['c1']);
  const other = commits.submit('clinic', 'clinic', ['x1']);
  await other;
  g.release();
  await Promise.all([a, b, c]);
  assert.deepEqual(g.transactions, [['a1', 'a2'], ['x1'], ['b1', 'c1']]);
});

test('a refused batch is written again message by message: only the bad one is refused', async () => {
  const bad = new Error('refused');
  const g = gateway((entries) => (entries.includes('bad') ? bad : undefined));
  const commits = new GroupCommit<string>(g.write);
  const first = commits.submit('lab', 'lab', ['first']);
  const good = commits.submit('lab', 'lab', ['good']);
  const refused = commits.submit('lab', 'lab', ['bad']);
  g.release();
  await first;
  await good;
  await assert.rejects(refused, (err: unknown) => err === bad);
  assert.deepEqual(
    g.transactions.slice(1).map((t) => t.join()),
    ['good,bad', 'good', 'bad'],
  );
});

test('a "later" refusal of a batch is each message’s answer', async () => {
  const later = new Error('not final in time');
  const g = gateway((entries) => (entries.length > 1 ? later : undefined));
  const commits = new GroupCommit<string>(g.write, (err) => err === later);
  const first = commits.submit('lab', 'lab', ['first']);
  const rest = [commits.submit('lab', 'lab', ['b']), commits.submit('lab', 'lab', ['c'])];
  g.release();
  await first;
  for (const p of rest) await assert.rejects(p, (err: unknown) => err === later);
  assert.equal(g.transactions.length, 2);
});
