// Every EPC in the GS1 EPCIS 2.0 example documents (../shared/testdata/epcis/gs1/JSON, GS1 terms) that
// is an sgtin/sscc/sgln/lgtin/pgln URN (or the idpat:sgtin of a whole GTIN) or a Digital Link of a
// supported key must parse; the other EPCs (giai, grai, gdti, gsrn URNs, an 8004 Digital Link) must be
// refused as gs1.unsupported, not as bad syntax.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { canonicalizeEpc, Gs1Error, parseGs1Key } from './index.ts';
import { filesUnder, sharedTestdata } from '../../../../test/harness/files.ts';

const examples = sharedTestdata('epcis', 'gs1', 'JSON');

const jsonldFiles = (dir: string) => filesUnder(dir, (name) => name.endsWith('.jsonld'));

const LIST_FIELDS = ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList'];

/** The identifier fields of EPCIS 2.0 events named in the brief, wherever events sit in the document. */
function collectIds(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectIds(item, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  for (const field of LIST_FIELDS) {
    const list = record[field];
    if (Array.isArray(list)) for (const id of list) if (typeof id === 'string') out.add(id);
  }
  if (typeof record.parentID === 'string') out.add(record.parentID);
  for (const field of ['readPoint', 'bizLocation']) {
    const place = record[field] as { id?: unknown } | undefined;
    if (typeof place?.id === 'string') out.add(place.id);
  }
  for (const field of ['sourceList', 'destinationList']) {
    const list = record[field];
    if (!Array.isArray(list)) continue;
    for (const entry of list as Array<Record<string, unknown>>) {
      const id = entry[field === 'sourceList' ? 'source' : 'destination'];
      if (typeof id === 'string') out.add(id);
    }
  }
  for (const value of Object.values(record)) collectIds(value, out);
}

const SUPPORTED_URN = /^urn:epc:(id:(sgtin|sscc|sgln|pgln)|class:lgtin|idpat:sgtin):/;
const SUPPORTED_DL = /^https?:\/\/[^/]+(\/[^/]+)*?\/(00|01|414|417)\/\d/;

test('every supported EPC of the GS1 EPCIS examples parses', () => {
  const ids = new Set<string>();
  let files = 0;
  for (const file of jsonldFiles(examples)) {
    collectIds(JSON.parse(readFileSync(file, 'utf8')), ids);
    files++;
  }
  assert.ok(files >= 40, `found ${files} example files`);
  let parsed = 0;
  let refused = 0;
  for (const id of ids) {
    if (SUPPORTED_URN.test(id) || SUPPORTED_DL.test(id)) {
      const canonical = canonicalizeEpc(id);
      assert.match(canonical, /^https:\/\/id\.gs1\.org\/(00|01|414|417)\/\d+/, id);
      assert.equal(canonicalizeEpc(canonical), canonical, `canonical form of ${id} is stable`);
      parsed++;
    } else if (/^(https?:\/\/|urn:epc:)/.test(id)) {
      // Other EPC schemes (giai, grai, gdti, gsrn…) and Digital Links of their keys: refused, clearly.
      assert.throws(
        () => parseGs1Key(id),
        (e: unknown) => e instanceof Gs1Error && e.code === 'gs1.unsupported',
        id,
      );
      refused++;
    }
  }
  // The examples hold 61 distinct supported identifiers; a collector that finds few is broken.
  assert.ok(parsed >= 55, `parsed ${parsed}`);
  assert.ok(refused >= 5, `refused ${refused}`);
});
