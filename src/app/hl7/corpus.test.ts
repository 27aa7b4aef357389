// HL7 v2 as other senders write it, hand-made for these tests after chapter 2's encoding rules and what
// interface engines emit: line endings, delimiters, escapes, versions, repeated identifiers, result
// groups and notes, every OBX value type, Z-segments, timestamps, and hostile messages. Each one maps to
// exactly the records asserted here, or is refused with the acknowledgement and table 0357 code asserted
// here; none throws anything but a MappingError.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapHl7Message, MappingError, type MappedMessage } from './messages.ts';
import { messageRecords } from './msh.ts';

type Json = Record<string, unknown>;

const MSH = 'MSH|^~\\&|LIS|CORPUS LAB|CARECHAIN|NODE|20261207120000+0000||ORU^R01^ORU_R01|CORPUS-1|P|2.5.1';
const PID = 'PID|1||MRN-5^^^CORPUS&1.2.3.4&ISO^MR||Ngata^Aroha||19850102|F';
const OBR = 'OBR|1|ORD-5^PAS|FIL-5^LIS|24323-8^Metabolic panel^LN|||20261207100000+0000||||||||||||||||||F';
const OBX = 'OBX|1|NM|2345-7^Glucose^LN||5.4|mmol/L^^UCUM|3.9-5.8|N|||F';
const LAB = [MSH, PID, OBR, OBX];

const map = (segments: readonly string[], end = '\r') => mapHl7Message(segments.join(end));
const ofType = (mapped: MappedMessage, type: string): Json[] =>
  mapped.resources.filter((r) => r.resourceType === type);
const observation = (mapped: MappedMessage, n = 0): Json => ofType(mapped, 'Observation')[n]!;
/** The value of an ORU whose OBX is `obx`. */
const valueOf = (obx: string): Json => {
  const o = observation(map([MSH, PID, OBR, obx]));
  return Object.fromEntries(Object.entries(o).filter(([k]) => k.startsWith('value')));
};

/** Resources with their ids (and the references to them) numbered by first appearance. */
function idsNumbered(resources: readonly Json[]): unknown {
  const seen = new Map<string, string>();
  const text = JSON.stringify(resources).replace(/v2-[0-9a-f]{40}/g, (id) => {
    if (!seen.has(id)) seen.set(id, `id-${seen.size}`);
    return seen.get(id)!;
  });
  return JSON.parse(text);
}

function refused(text: string, ack: 'AE' | 'AR', code: string): void {
  assert.throws(
    () => mapHl7Message(text),
    (err: unknown) => err instanceof MappingError && err.ack === ack && err.code === code,
    `${ack} ${code}`,
  );
}

test('segments ended by CR, CRLF or LF, with or without a last terminator and blank lines, map alike', () => {
  const expected = map(LAB).resources;
  assert.equal(expected.length, 3);
  for (const text of [
    LAB.join('\r\n'),
    LAB.join('\n'),
    `${LAB.join('\r')}\r`,
    `${LAB.join('\n')}\n\n`,
    `${LAB.join('\r\n')}\r\n`,
    LAB.join('\r\r\n\n'),
    `\uFEFF${LAB.join('\r')}`,
  ]) {
    assert.deepEqual(mapHl7Message(text).resources, expected, JSON.stringify(text.slice(-12)));
  }
});

test('trailing empty fields and components change nothing', () => {
  const padded = [
    `${MSH}|||||`,
    `${PID}^^|||`,
    `${OBR}|||`,
    'OBX|1|NM|2345-7^Glucose^LN^^^||5.4|mmol/L^^UCUM^|3.9-5.8|N|||F||||',
  ];
  assert.deepEqual(map(padded).resources, map(LAB).resources);
});

test('other delimiters in MSH-1 and MSH-2, and the v2.7 truncation character, map alike', () => {
  const expected = map(LAB).resources;
  // MSH-2 of v2.7+ carries a fifth character, the truncation character: it is not a delimiter.
  assert.deepEqual(mapHl7Message(LAB.join('\r').replace('MSH|^~\\&|', 'MSH|^~\\&#|')).resources, expected);
  const swapped = LAB.join('\r').replace(/[|^~&]/g, (c) => ({ '|': '!', '^': '$', '~': '%', '&': '*' })[c]!);
  assert.match(swapped, /^MSH!\$%\\\*!/);
  assert.deepEqual(mapHl7Message(swapped).resources, expected);
});

test('escape sequences in OBX-5 (TX, FT) and NTE-3 are decoded, formatting dropped', () => {
  const text =
    'OBX|1|TX|8251-1^Comment^LN||A\\F\\B\\S\\C\\T\\D\\R\\E\\E\\\\X41\\\\XC3A9\\\\.br\\line 2 \\H\\bold\\N\\ end||||||F';
  assert.deepEqual(valueOf(text), { valueString: 'A|B^C&D~E\\Aé\nline 2 bold end' });
  const ft = 'OBX|1|FT|8251-1^Comment^LN||first~second\\.sp\\third||||||F';
  assert.deepEqual(valueOf(ft), { valueString: 'first\nsecond\nthird' });
  // A control byte written as hex is dropped, never carried into the record.
  assert.deepEqual(valueOf('OBX|1|ST|8251-1^Comment^LN||a\\X00\\b||||||F'), { valueString: 'ab' });
  const noted = map([...LAB, 'NTE|1|L|Fasting \\T\\ rested~second line', 'NTE|2|L|\\XC3BC\\ber']);
  assert.deepEqual(observation(noted).note, [{ text: 'Fasting & rested\nsecond line' }, { text: 'über' }]);
});

test("text fields keep what follows a delimiter the sender left unescaped, in the message's delimiters", () => {
  assert.deepEqual(valueOf('OBX|1|ST|8480-6^BP^LN||120^80 sitting||||||F'), {
    valueString: '120^80 sitting',
  });
  assert.deepEqual(valueOf('OBX|1|TX|8251-1^Comment^LN||a^b&c~d^^||||||F'), { valueString: 'a^b&c\nd' });
  const swapped = [
    MSH.replace('MSH|^~\\&|', 'MSH|$~\\*|').replace(/\^/g, '$'),
    PID.replace(/\^/g, '$').replace(/&/g, '*'),
    OBR.replace(/\^/g, '$'),
    'OBX|1|TX|8251-1$Comment$LN||x$y*z||||||F',
  ];
  assert.equal(observation(map(swapped)).valueString, 'x$y*z');
  // OBX-2 left out: the value is kept as text, not dropped.
  assert.deepEqual(valueOf('OBX|1||8251-1^Comment^LN||no type^given||||||F'), {
    valueString: 'no type^given',
  });
  const noted = map([...LAB, 'NTE|1|L|call 555^0101 & ask']);
  assert.deepEqual(observation(noted).note, [{ text: 'call 555^0101 & ask' }]);
});

test('MSH-12 2.3 to 2.8, with or without its components, maps alike; 3.0 is AR 203', () => {
  const expected = map(LAB).resources;
  for (const version of [
    '2.3',
    '2.3.1',
    '2.4',
    '2.5',
    '2.5.1',
    '2.6',
    '2.7',
    '2.7.1',
    '2.8',
    '2.8.2',
    '2.5.1^USA',
    '2.6^^HL7v2.6&&ISO',
  ]) {
    const mapped = map([MSH.replace('|2.5.1', `|${version}`), ...LAB.slice(1)]);
    assert.deepEqual(mapped.resources, expected, version);
    assert.equal(mapped.header.version, version.split('^')[0]);
  }
  refused([MSH.replace('|2.5.1', '|3.0'), ...LAB.slice(1)].join('\r'), 'AR', '203');
});

test('MSH-9 with two or three components, or ORU alone (v2.1–2.3 senders), is an ORU^R01', () => {
  const expected = map(LAB);
  for (const type of ['ORU^R01', 'ORU^R01^ORU_R01', 'oru^r01', 'ORU']) {
    const mapped = map([MSH.replace('ORU^R01^ORU_R01', type), ...LAB.slice(1)]);
    assert.equal(mapped.header.type, 'ORU^R01', type);
    assert.deepEqual(mapped.resources, expected.resources, type);
  }
  // The message's own records name the event too, never an empty code.
  const alone = map([MSH.replace('ORU^R01^ORU_R01', 'ORU'), ...LAB.slice(1)]);
  const [header] = messageRecords({
    ...alone,
    sender: alone.header.sender,
    written: alone.resources,
    recordedAt: 'x',
  });
  assert.deepEqual(header.eventCoding, {
    system: 'http://terminology.hl7.org/CodeSystem/v2-0003',
    code: 'R01',
  });
  // ADT names many events: alone it is not guessed.
  refused([MSH.replace('ORU^R01^ORU_R01', 'ADT'), ...LAB.slice(1)].join('\r'), 'AR', '201');
});

test('PID-3 with several identifiers: the MR one names the patient, wherever it is in the list', () => {
  const mrOnly = map(LAB);
  const mrSecond = map([MSH, PID.replace('||MRN-5', '||123-45-6789^^^SSA^SS~MRN-5'), OBR, OBX]);
  const mrThird = map([MSH, PID.replace('||MRN-5', '||V-77^^^CORPUS^VN~~MRN-5'), OBR, OBX]);
  assert.equal(mrSecond.patientId, mrOnly.patientId);
  assert.equal(mrThird.patientId, mrOnly.patientId);
  // Every identifier is kept on the Patient.
  assert.deepEqual(
    (mrSecond.resources[0]!.identifier as Json[]).map((i) => i.value),
    ['123-45-6789', 'MRN-5'],
  );
  // None typed MR: the first one names the patient.
  const untyped = map([MSH, PID.replace('||MRN-5^^^CORPUS&1.2.3.4&ISO^MR', '||A-1~B-2'), OBR, OBX]);
  const first = map([MSH, PID.replace('||MRN-5^^^CORPUS&1.2.3.4&ISO^MR', '||A-1'), OBR, OBX]);
  assert.equal(untyped.patientId, first.patientId);
});

test('PID-5 with several names; PID-7 and PID-8 missing leave birthDate and gender out', () => {
  const patient = map([
    MSH,
    'PID|1||MRN-5^^^CORPUS&1.2.3.4&ISO^MR||Ngata^Aroha^^^^^L~Smith^Aroha^^^^^M~^Ro^^^^^N',
    OBR,
    OBX,
  ]).resources[0]!;
  assert.deepEqual(patient.name, [
    { use: 'official', family: 'Ngata', given: ['Aroha'] },
    { use: 'maiden', family: 'Smith', given: ['Aroha'] },
    { use: 'nickname', given: ['Ro'] },
  ]);
  assert.equal(patient.birthDate, undefined);
  assert.equal(patient.gender, undefined);
});

test('an ORU with several OBR groups: each report has its own results, notes on the right one', () => {
  const mapped = map([
    MSH,
    PID,
    OBR,
    'NTE|1||about the order, not a result',
    OBX,
    'NTE|1||about glucose',
    'OBX|2|NM|2951-2^Sodium^LN||140|mmol/L^^UCUM|||||F',
    'OBR|2|ORD-6^PAS|FIL-6^LIS|58410-2^CBC panel^LN|||20261207100000+0000||||||||||||||||||P',
    'OBX|1|NM|718-7^Hemoglobin^LN||13.1|g/dL^^UCUM|||||P',
    'NTE|1||about haemoglobin',
    'SPM|1|SP-1&LIS||119297000^Blood specimen^SCT|||||||||||||20261207090000+0000',
  ]);
  const reports = ofType(mapped, 'DiagnosticReport');
  const observations = ofType(mapped, 'Observation');
  assert.equal(reports.length, 2);
  assert.deepEqual(
    reports.map((r) => [r.status, (r.result as Json[]).map((x) => x.reference)]),
    [
      ['final', [`Observation/${String(observations[0]!.id)}`, `Observation/${String(observations[1]!.id)}`]],
      ['preliminary', [`Observation/${String(observations[2]!.id)}`]],
    ],
  );
  assert.deepEqual(
    observations.map((o) => o.note),
    [[{ text: 'about glucose' }], undefined, [{ text: 'about haemoglobin' }]],
  );
  const specimen = ofType(mapped, 'Specimen');
  assert.equal(specimen.length, 1);
  assert.deepEqual(reports[1]!.specimen, [{ reference: `Specimen/${String(specimen[0]!.id)}` }]);
  assert.equal(reports[0]!.specimen, undefined);
});

test('OBX-2 NM, with and without units, in the forms NM allows', () => {
  const ucum = { unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' };
  assert.deepEqual(valueOf(OBX), { valueQuantity: { value: 5.4, ...ucum } });
  assert.deepEqual(valueOf('OBX|1|NM|2345-7^Glucose^LN||+05.40|mmol/L^^UCUM|||||F'), {
    valueQuantity: { value: 5.4, ...ucum },
  });
  assert.deepEqual(valueOf('OBX|1|NM|2345-7^Glucose^LN||.5||||||F'), { valueQuantity: { value: 0.5 } });
  assert.deepEqual(valueOf('OBX|1|NM|2345-7^Glucose^LN||-0||||||F'), { valueQuantity: { value: 0 } });
  // Not a number after all: kept as the text it is.
  assert.deepEqual(valueOf('OBX|1|NM|2345-7^Glucose^LN||see note||||||F'), { valueString: 'see note' });
});

test('OBX-2 SN: comparators, ratios and ranges are what they say, never a bare number', () => {
  const units = 'mg/dL^^UCUM';
  const sn = (value: string, u = '') => valueOf(`OBX|1|SN|2345-7^Glucose^LN||${value}|${u}|||||F`);
  const mg = { unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' };
  assert.deepEqual(sn('<^10', units), { valueQuantity: { comparator: '<', value: 10, ...mg } });
  assert.deepEqual(sn('>^5'), { valueQuantity: { comparator: '>', value: 5 } });
  assert.deepEqual(sn('>=^5.5'), { valueQuantity: { comparator: '>=', value: 5.5 } });
  assert.deepEqual(sn('<10'), { valueQuantity: { comparator: '<', value: 10 } });
  assert.deepEqual(sn('^7', units), { valueQuantity: { value: 7, ...mg } });
  assert.deepEqual(sn('=^7'), { valueQuantity: { value: 7 } });
  assert.deepEqual(sn('^1^:^2'), { valueRatio: { numerator: { value: 1 }, denominator: { value: 2 } } });
  assert.deepEqual(sn('^1^/^128'), { valueRatio: { numerator: { value: 1 }, denominator: { value: 128 } } });
  assert.deepEqual(sn('^3^-^5', units), {
    valueRange: { low: { value: 3, ...mg }, high: { value: 5, ...mg } },
  });
  assert.deepEqual(sn('^2^+'), { valueString: '2+' });
  assert.deepEqual(sn('<>^5'), { valueString: '<>5' });
});

test('OBX-2 ST, TX, FT, CE, CWE, DT, TS and DTM', () => {
  assert.deepEqual(valueOf('OBX|1|ST|8251-1^Comment^LN||Clear, straw||||||F'), {
    valueString: 'Clear, straw',
  });
  assert.deepEqual(valueOf('OBX|1|TX|8251-1^Comment^LN||line 1~line 2||||||F'), {
    valueString: 'line 1\nline 2',
  });
  const concept = {
    valueCodeableConcept: {
      coding: [{ system: 'http://snomed.info/sct', code: '10828004', display: 'Positive' }],
    },
  };
  assert.deepEqual(valueOf('OBX|1|CE|600-7^Culture^LN||10828004^Positive^SCT||||||F'), concept);
  assert.deepEqual(valueOf('OBX|1|CWE|600-7^Culture^LN||10828004^Positive^SCT||||||F'), concept);
  assert.deepEqual(valueOf('OBX|1|DT|11778-8^Due date^LN||20270301||||||F'), { valueDateTime: '2027-03-01' });
  assert.deepEqual(valueOf('OBX|1|TS|11778-8^Due date^LN||202612071230+0100^M||||||F'), {
    valueDateTime: '2026-12-07T12:30:00+01:00',
  });
  assert.deepEqual(valueOf('OBX|1|DTM|11778-8^Due date^LN||20261207123045.25-0500||||||F'), {
    valueDateTime: '2026-12-07T12:30:45.25-05:00',
  });
});

test('OBX-11 P, C, F; an empty OBX-5 with X or D is an Observation without a value', () => {
  const statusOf = (obx: string) => observation(map([MSH, PID, OBR, obx])).status;
  assert.equal(statusOf(OBX.replace(/\|F$/, '|P')), 'preliminary');
  assert.equal(statusOf(OBX.replace(/\|F$/, '|C')), 'corrected');
  assert.equal(statusOf(OBX), 'final');
  for (const [code, status] of [
    ['X', 'cancelled'],
    ['D', 'entered-in-error'],
  ] as const) {
    const o = observation(map([MSH, PID, OBR, `OBX|1|NM|2345-7^Glucose^LN|||mmol/L^^UCUM|||||${code}`]));
    assert.equal(o.status, status);
    assert.deepEqual(
      Object.keys(o).filter((k) => k.startsWith('value')),
      [],
    );
  }
});

test('Z-segments and unknown segments anywhere are ignored, never refused', () => {
  const expected = map(LAB).resources;
  const withZ = [
    MSH,
    'ZPI|1|local^stuff',
    PID,
    'ZPD|x',
    OBR,
    'ZOB|1|2',
    OBX,
    'ZOB|3',
    'ZZ9|end',
    'IN1|1|plan',
  ];
  // Ids are by segment position, so only they move.
  assert.deepEqual(idsNumbered(map(withZ).resources), idsNumbered(expected));
});

test('timestamps with and without seconds, fractions and zones; date only; impossible zones', () => {
  const effective = (ts: string) => observation(map([MSH, PID, OBR, `${OBX}|||${ts}`])).effectiveDateTime;
  assert.equal(effective('202612071230+0000'), '2026-12-07T12:30:00+00:00');
  assert.equal(effective('20261207123045.1234+0530'), '2026-12-07T12:30:45.1234+05:30');
  assert.equal(effective('20261207123045-0800'), '2026-12-07T12:30:45-08:00');
  // No zone: FHIR needs one with a time, so the date alone is kept.
  assert.equal(effective('202612071230'), '2026-12-07');
  assert.equal(effective('20261207'), '2026-12-07');
  assert.equal(effective('202612'), '2026-12');
  assert.equal(effective('20261207123045+2500'), '2026-12-07');
  assert.equal(effective('not a time'), undefined);
  // A day the month does not have is no date at all; 29 February is one in a leap year only.
  assert.equal(effective('20260230'), undefined);
  assert.equal(effective('20250229'), undefined);
  assert.equal(effective('20240229'), '2024-02-29');
  assert.equal(effective('20000229'), '2000-02-29');
  assert.equal(effective('21000229'), undefined);
  assert.equal(effective('20260431'), undefined);
});

test('hostile headers: MSH-10 empty or huge is AR 101; unsupported type AR 200, event AR 201', () => {
  refused(LAB.join('\r').replace('|CORPUS-1|', '||'), 'AR', '101');
  refused(LAB.join('\r').replace('|CORPUS-1|', `|${'9'.repeat(100_000)}|`), 'AR', '101');
  refused(LAB.join('\r').replace('ORU^R01^ORU_R01', 'SIU^S12'), 'AR', '200');
  refused(LAB.join('\r').replace('ORU^R01^ORU_R01', 'ORU^R30'), 'AR', '201');
  refused(LAB.join('\r').replace('ORU^R01^ORU_R01', `${'X'.repeat(100_000)}^A01`), 'AR', '200');
});

test('hostile bodies: NUL bytes, too many segments, too many characters are AR 100, not a throw', () => {
  refused(LAB.join('\r').replace('Aroha', 'Ar\0oha'), 'AR', '100');
  refused([...LAB, ...Array.from({ length: 5_000 }, (_, i) => `NTE|${i}||x`)].join('\r'), 'AR', '100');
  refused([...LAB, `NTE|1||${'x'.repeat(1_048_576)}`].join('\r'), 'AR', '100');
});

test('a thousand repetitions and a very long field map; past the bound a field is AR 100', () => {
  const repeated = (n: number) => [
    MSH,
    PID.replace('^MR||', `^MR~${Array.from({ length: n }, (_, i) => `${i}^^^X^PI`).join('~')}||`),
    OBR,
    OBX,
  ];
  const mapped = map(repeated(999));
  assert.equal((mapped.resources[0]!.identifier as Json[]).length, 1_000);
  assert.equal(mapped.patientId, map(LAB).patientId);
  refused(repeated(1_000).join('\r'), 'AR', '100');
  const long = valueOf(`OBX|1|TX|8251-1^Comment^LN||${'long text '.repeat(100_000)}||||||F`);
  assert.equal(String(long.valueString).length, 1_000_000);
});

/** Where a value FHIR forbids (json.html: no empty strings, arrays or objects) is, if anywhere. */
function emptyIn(value: unknown, path = ''): string | undefined {
  if (value === '' || (Array.isArray(value) && value.length === 0)) return path;
  if (typeof value !== 'object' || value === null) return undefined;
  if (!Array.isArray(value) && Object.keys(value).length === 0) return path;
  for (const [key, inner] of Object.entries(value)) {
    const found = emptyIn(inner, `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

test('two thousand mangled messages each map or are refused with a MappingError, never another throw', () => {
  // A fixed-seed generator (xorshift): the same mangled messages every run, so a failure reproduces.
  let seed = 0x2545f491;
  const next = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const base = [...LAB, 'NTE|1||note', 'OBX|2|SN|2951-2^Sodium^LN||<^10|mmol/L^^UCUM|||||F'].join('\r');
  const alphabet = '|^~\\&\r\nMSHPIDOBXNTE0123456789.+-<>:/ X';
  const outcomes = { mapped: 0, refused: 0 };
  for (let i = 0; i < 2_000; i += 1) {
    const chars = [...base];
    for (let edits = 1 + next(6); edits > 0; edits -= 1) {
      const at = 9 + next(chars.length - 9); // after MSH-1 and MSH-2; odd ones lose their start below
      const edit = next(3);
      if (edit === 0) chars.splice(at, 1);
      else if (edit === 1) chars.splice(at, 0, alphabet[next(alphabet.length)]!);
      else chars[at] = alphabet[next(alphabet.length)]!;
    }
    const text = (i % 2 === 0 ? chars.join('') : chars.join('').slice(next(12))).slice(0, 4_000);
    try {
      const mapped = mapHl7Message(text);
      const own = messageRecords({
        ...mapped,
        sender: mapped.header.sender,
        written: mapped.resources,
        recordedAt: 'x',
      });
      for (const resource of [...mapped.resources, ...own]) assert.equal(emptyIn(resource), undefined, text);
      outcomes.mapped += 1;
    } catch (err) {
      assert.ok(err instanceof MappingError, `${String(err)} for ${JSON.stringify(text.slice(0, 200))}`);
      outcomes.refused += 1;
    }
  }
  // Both outcomes happen: the mangling neither always breaks the message nor never does.
  assert.ok(outcomes.mapped > 100 && outcomes.refused > 100, JSON.stringify(outcomes));
});
