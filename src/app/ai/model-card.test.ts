import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cardGaps,
  cardHash,
  SOURCE_ATTRIBUTE_GROUPS,
  SOURCE_ATTRIBUTES,
  type ModelCard,
} from './model-card.ts';
import { COMPLETE_CARD as complete } from './test-fixtures.ts';

test('the card has the rule’s nine headings and 31 attributes, none twice', () => {
  assert.equal(Object.keys(SOURCE_ATTRIBUTE_GROUPS).length, 9);
  assert.equal(SOURCE_ATTRIBUTES.length, 31);
  assert.equal(new Set(SOURCE_ATTRIBUTES).size, 31);
});

test('a complete card has no gaps; a missing, blank or unknown output type is named', () => {
  assert.deepEqual(cardGaps(complete), []);
  const { fairnessInLocalData: _dropped, ...missing } = complete;
  assert.deepEqual(cardGaps(missing), ['fairnessInLocalData']);
  assert.deepEqual(cardGaps({ ...complete, intendedUsers: '  ' }), ['intendedUsers']);
  assert.deepEqual(cardGaps({ ...complete, outputType: 'guess' }), ['outputType']);
});

test('the hash ignores key order and changes with any attribute', () => {
  const reversed = Object.fromEntries(Object.entries(complete).reverse()) as ModelCard;
  assert.equal(cardHash(reversed), cardHash(complete));
  assert.notEqual(cardHash({ ...complete, updateSchedule: 'yearly' }), cardHash(complete));
});
