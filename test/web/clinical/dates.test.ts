import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FhirResource } from '../../../src/contract/fhir.ts';
import { formatWhen, newestFirst, timeOf } from '../../../web/src/lib/clinical/dates.ts';

const at = (effectiveDateTime: string | undefined, id: string): FhirResource => ({
  resourceType: 'Observation',
  id,
  ...(effectiveDateTime === undefined ? {} : { effectiveDateTime }),
});

test('records come newest first, undated ones last, whatever the offsets', () => {
  const sorted = newestFirst([
    at('2020-01-01', 'a'),
    at(undefined, 'undated'),
    at('2026-03-01T09:30:00Z', 'b'),
    at('2026-03-01T11:00:00+02:00', 'c'), // 09:00 UTC: before b
    at('2024', 'd'),
  ]);
  assert.deepEqual(
    sorted.map((r) => r.id),
    ['b', 'c', 'd', 'a', 'undated'],
  );
});

test('a date alone is that calendar day in local time, not UTC midnight', () => {
  const ms = timeOf('2026-03-01')!;
  const d = new Date(ms);
  assert.deepEqual([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours()], [2026, 2, 1, 0]);
  assert.equal(formatWhen('2026-03-01', 'en-GB'), '1 Mar 2026');
});

test('a dateTime shows in local words with its time, never as an ISO string', () => {
  const text = formatWhen('2026-03-01T09:30:00Z', 'en-GB')!;
  assert.match(text, /Mar 2026/);
  assert.doesNotMatch(text, /T\d\d:|Z$/);
  assert.equal(formatWhen(undefined), undefined);
  assert.equal(formatWhen('not a date'), undefined);
});
