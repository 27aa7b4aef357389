import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  approximateToleranceMs,
  dateRangeMatches,
  parseDateRange,
  parseDateSearchValue,
  rangeOfValue,
  type DatePrefix,
  type TimeRange,
} from './search-date.ts';

const ms = (iso: string): number => Date.parse(iso);
const range = (lo: string, hi: string): TimeRange => ({ lo: ms(lo), hi: ms(hi) });

test('partial dates and dateTimes are ranges of their precision (datatypes.html#dateTime)', () => {
  assert.deepEqual(parseDateRange('2013'), range('2013-01-01T00:00:00Z', '2014-01-01T00:00:00Z'));
  assert.deepEqual(parseDateRange('2012-02'), range('2012-02-01T00:00:00Z', '2012-03-01T00:00:00Z'));
  assert.deepEqual(parseDateRange('2012-12'), range('2012-12-01T00:00:00Z', '2013-01-01T00:00:00Z'));
  assert.deepEqual(parseDateRange('2016-03-28'), range('2016-03-28T00:00:00Z', '2016-03-29T00:00:00Z'));
  assert.deepEqual(parseDateRange('2014-10-09T14:58'), range('2014-10-09T14:58:00Z', '2014-10-09T14:59:00Z'));
  assert.deepEqual(
    parseDateRange('2014-10-09T14:58:00+11:00'),
    range('2014-10-09T03:58:00Z', '2014-10-09T03:58:01Z'),
  );
  assert.deepEqual(
    parseDateRange('2015-02-07T13:28:17.239-05:00'),
    range('2015-02-07T18:28:17.239Z', '2015-02-07T18:28:17.240Z'),
  );
  assert.deepEqual(
    parseDateRange('2015-02-07T13:28:17.2Z'),
    range('2015-02-07T13:28:17.200Z', '2015-02-07T13:28:17.300Z'),
  );
  // Years below 100 are years, not 1900 + year.
  assert.equal(new Date(parseDateRange('0099')?.lo ?? 0).getUTCFullYear(), 99);
});

test('impossible dates are rejected', () => {
  for (const bad of [
    '2013-02-29',
    '2012-13',
    '2012-00-10',
    '2012-04-31',
    '2013-01-01T24:00:00Z',
    '2013-01-01T10:00:00+15:00',
    '13',
    '2013-1-1',
    '2013-01-01T10Z',
    '0000',
  ]) {
    assert.equal(parseDateRange(bad), undefined, bad);
  }
  assert.ok(parseDateRange('2012-02-29'));
});

test('Periods are ranges with open ends (datatypes.html#Period)', () => {
  assert.deepEqual(
    rangeOfValue({ start: '2012-09-29', end: '2012-09-30' }),
    range('2012-09-29T00:00:00Z', '2012-10-01T00:00:00Z'),
  );
  assert.deepEqual(rangeOfValue({ start: '2012' }), { lo: ms('2012-01-01T00:00:00Z'), hi: Infinity });
  assert.deepEqual(rangeOfValue({ end: '2012' }), { lo: -Infinity, hi: ms('2013-01-01T00:00:00Z') });
  assert.equal(rangeOfValue({ value: 3, unit: 'a' }), undefined); // onsetAge
  assert.equal(rangeOfValue('about three years ago'), undefined); // onsetString
  assert.equal(rangeOfValue({ start: 'soon' }), undefined);
});

// search.html#prefix, against the day 2013-03-14 as search value.
test('each prefix against targets before, inside, across and after the search range', () => {
  const day = parseDateRange('2013-03-14') as TimeRange;
  const targets: Record<string, TimeRange> = {
    before: range('2013-03-13T10:00:00Z', '2013-03-13T11:00:00Z'),
    inside: range('2013-03-14T10:00:00Z', '2013-03-14T11:00:00Z'),
    whole: day,
    startsBefore: range('2013-03-13T10:00:00Z', '2013-03-14T11:00:00Z'),
    endsAfter: range('2013-03-14T10:00:00Z', '2013-03-15T11:00:00Z'),
    spans: range('2013-03-13T10:00:00Z', '2013-03-15T11:00:00Z'),
    after: range('2013-03-15T10:00:00Z', '2013-03-15T11:00:00Z'),
  };
  const expected: Record<DatePrefix, string[]> = {
    eq: ['inside', 'whole'],
    ne: ['before', 'startsBefore', 'endsAfter', 'spans', 'after'],
    gt: ['endsAfter', 'spans', 'after'],
    lt: ['before', 'startsBefore', 'spans'],
    ge: ['inside', 'whole', 'endsAfter', 'spans', 'after'],
    le: ['before', 'inside', 'whole', 'startsBefore', 'spans'],
    sa: ['after'],
    eb: ['before'],
    ap: ['inside', 'whole', 'startsBefore', 'endsAfter', 'spans'],
  };
  for (const [prefix, names] of Object.entries(expected) as Array<[DatePrefix, string[]]>) {
    const hits = Object.entries(targets)
      .filter(([, t]) => dateRangeMatches(prefix, day, t))
      .map(([name]) => name);
    assert.deepEqual(hits, names, prefix);
  }
});

test('ap widens by 10% of the distance from now, at least a day', () => {
  const day = parseDateRange('2013-03-14') as TimeRange;
  const now = ms('2023-03-14T12:00:00Z');
  const tolerance = approximateToleranceMs(day, now);
  assert.ok(tolerance > 360 * 86_400_000 && tolerance < 370 * 86_400_000);
  assert.ok(dateRangeMatches('ap', day, parseDateRange('2012-06-01') as TimeRange, tolerance));
  assert.ok(!dateRangeMatches('ap', day, parseDateRange('2011-06-01') as TimeRange, tolerance));
  assert.equal(approximateToleranceMs(day, day.lo), 86_400_000);
});

test('search values: prefixes, precision, and precise problems', () => {
  assert.deepEqual(parseDateSearchValue('ge2013-03'), { prefix: 'ge', range: parseDateRange('2013-03') });
  assert.deepEqual(parseDateSearchValue('2013'), { prefix: 'eq', range: parseDateRange('2013') });
  // An unencoded '+' of a zone arrives as a space.
  assert.deepEqual(parseDateSearchValue('lt2013-03-14T10:00:00 01:00'), {
    prefix: 'lt',
    range: parseDateRange('2013-03-14T10:00:00+01:00'),
  });
  assert.deepEqual(parseDateSearchValue('xx2013'), {
    problem: "unknown prefix 'xx' (use one of eq, ne, lt, gt, le, ge, sa, eb, ap)",
  });
  assert.deepEqual(parseDateSearchValue('GE2013'), {
    problem: "unknown prefix 'GE' (use one of eq, ne, lt, gt, le, ge, sa, eb, ap)",
  });
  assert.deepEqual(parseDateSearchValue('ge2013-02-30'), {
    problem: 'not a date: use YYYY, YYYY-MM, YYYY-MM-DD or a dateTime',
  });
});
