// The EPCIS XML binding against the JSON binding: each GS1 JSON-LD example (read from the shared test
// data) is written here by hand in the standard's XML form (EPCIS 2.0 §9 / EPCglobal-epcis-2_0.xsd, and
// EPCIS 1.2 with its <extension> wrappers), and the converted event must be the JSON example's event:
// the same CBV 2.0 event hash, the same fields, and a document the GS1 JSON Schema accepts. Then what
// the converter refuses, and why.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { epcisXmlToJsonLd } from './xml.ts';
import { XML_DEPTH_MAX, XML_ELEMENTS_MAX } from './xml-parse.ts';
import { documentEvents } from './capture.ts';
import { loadEpcisValidator } from './schema.ts';
import { epcisEventHash } from '../../app/supply/event-hash/index.ts';
import { ServiceError } from '../errors.ts';
import { sharedTestdata } from '../../../test/harness/files.ts';

const GS1 = sharedTestdata('epcis', 'gs1');
const validator = loadEpcisValidator(join(GS1, 'EPCIS-JSON-Schema.json'))!;

type Json = Record<string, unknown>;

function jsonExample(file: string): Json {
  return JSON.parse(readFileSync(join(GS1, 'JSON', file), 'utf8')) as Json;
}

const V2 =
  'xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2013-06-04T14:59:02.099+02:00"';
const V1 =
  'xmlns:epcis="urn:epcglobal:epcis:xsd:1" schemaVersion="1.2" creationDate="2005-07-11T11:30:47.0Z"';
const doc2 = (namespaces: string, events: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<epcis:EPCISDocument ${V2} ${namespaces}>\n<EPCISBody><EventList>${events}</EventList></EPCISBody></epcis:EPCISDocument>`;

// Small writers of the XML binding's standard elements, so that each document below is its data.
const el = (name: string, body: string, attributes = ''): string => `<${name}${attributes}>${body}</${name}>`;
const epcs = (name: string, ids: readonly string[]): string =>
  el(name, ids.map((id) => el('epc', id)).join(''));
type Quantity = readonly [epcClass: string, quantity?: string, uom?: string];
const quantities = (name: string, items: readonly Quantity[]): string =>
  el(
    name,
    items
      .map(([epcClass, quantity, uom]) =>
        el(
          'quantityElement',
          el('epcClass', epcClass) +
            (quantity === undefined ? '' : el('quantity', quantity)) +
            (uom === undefined ? '' : el('uom', uom)),
        ),
      )
      .join(''),
  );
const typed = (
  list: string,
  item: string,
  entries: ReadonlyArray<readonly [string | null, string]>,
): string =>
  el(list, entries.map(([type, id]) => el(item, id, type === null ? '' : ` type="${type}"`)).join(''));
const place = (name: string, id: string): string => el(name, el('id', id));
const times = (eventTime: string, offset: string): string =>
  el('eventTime', eventTime) + el('eventTimeZoneOffset', offset);
const urn = (vocabulary: string, term: string): string => `urn:epcglobal:cbv:${vocabulary}:${term}`;
const why = (bizStep: string, disposition?: string): string =>
  el('bizStep', urn('bizstep', bizStep)) +
  (disposition === undefined ? '' : el('disposition', urn('disp', disposition)));
const EXAMPLE_NS = 'xmlns:example="http://ns.example.com/epcis/"';
const MY_FIELD = '<example:myField>Example of a vendor/user extension</example:myField>';

// The user extension block of object_event_all_possible_fields: the same elements at the event, in
// its ILMD and in its sensorElement (an array item holding an object holding an object, as the JSON has).
const EXT_BLOCK = `
  <ext1:float>20</ext1:float>
  <ext1:time>2013-06-08T14:58:56.591Z</ext1:time>
  <ext1:array>12</ext1:array>
  <ext1:array>22</ext1:array>
  <ext1:array>2013-06-08T14:58:56.591Z</ext1:array>
  <ext1:array>true</ext1:array>
  <ext1:array>stringInArray</ext1:array>
  <ext1:array><ext1:object><ext1:object>
    <ext2:array>14</ext2:array><ext2:array>23.0</ext2:array><ext2:array>stringInArrayInObjectInArray</ext2:array>
    <ext2:object><ext2:object><ext3:string>stringInObjectInObjectInArray</ext3:string></ext2:object></ext2:object>
    <ext2:int>13</ext2:int>
    <ext2:string>stringInObjectInArray</ext2:string>
  </ext1:object></ext1:object></ext1:array>
  <ext1:boolean>true</ext1:boolean>
  <ext1:object>
    <ext2:array>11</ext2:array><ext2:array>21</ext2:array><ext2:array>stringInArrayInObject</ext2:array>
    <ext2:object><ext2:object><ext3:string>stringInObjectInObject</ext3:string></ext2:object></ext2:object>
    <ext2:string>stringInObject</ext2:string>
  </ext1:object>
  <ext1:default>stringAsDefaultValue</ext1:default>
  <ext1:int>10</ext1:int>
  <ext1:string>string</ext1:string>`;

const OBJECT_ALL_FIELDS = doc2(
  'xmlns:ext1="http://example.com/ext1/" xmlns:ext2="http://example.com/ext2/" xmlns:ext3="http://example.com/ext3/" xmlns:cbvmda="urn:epcglobal:cbv:mda"',
  `<ObjectEvent>
    ${times('2005-04-05T02:33:31.116Z', '-06:00')}
    <eventID>urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8</eventID>
    <certificationInfo>https://accreditation-council.example.org/certificate/ABC12345</certificationInfo>
    <errorDeclaration>
      <declarationTime>2006-11-07T14:00:00.000+01:00</declarationTime>
      <reason>urn:epcglobal:cbv:er:incorrect_data</reason>
      <correctiveEventIDs>
        <correctiveEventID>ni:///sha-256;fec9667280c4710a3fa9558b7bc8ddc2ced0dc442d87f82becae24bb6ca6a46f?ver=CBV2.0</correctiveEventID>
      </correctiveEventIDs>
    </errorDeclaration>
    ${epcs('epcList', ['urn:epc:id:sgtin:0614141.107346.2018'])}
    <action>ADD</action>
    <bizStep>urn:epcglobal:cbv:bizstep:receiving</bizStep>
    <disposition>https://ref.gs1.org/cbv/Disp-in_progress</disposition>
    <persistentDisposition>
      <set>urn:epcglobal:cbv:disp:completeness_verified</set>
      <unset>completeness_inferred</unset>
    </persistentDisposition>
    ${place('readPoint', 'urn:epc:id:sgln:0012345.11111.400')}
    ${place('bizLocation', 'urn:epc:id:sgln:0012345.11111.0')}
    ${typed('bizTransactionList', 'bizTransaction', [
      [urn('btt', 'po'), 'urn:epc:id:gdti:0614141.00001.1618034'],
      ['pedigree', 'urn:epc:id:gsrn:0614141.0000010253'],
    ])}
    ${quantities('quantityList', [['urn:epc:class:lgtin:4012345.012345.998877', '200', 'KGM']])}
    ${typed('sourceList', 'source', [
      [urn('sdt', 'location'), 'urn:epc:id:sgln:4012345.00225.0'],
      [urn('sdt', 'possessing_party'), 'urn:epc:id:pgln:4012345.00225'],
      [urn('sdt', 'owning_party'), 'urn:epc:id:pgln:4012345.00225'],
    ])}
    ${typed('destinationList', 'destination', [
      [urn('sdt', 'location'), 'urn:epc:id:sgln:0614141.00777.0'],
      [urn('sdt', 'possessing_party'), 'urn:epc:id:pgln:0614141.00777'],
      [urn('sdt', 'owning_party'), 'urn:epc:id:pgln:0614141.00777'],
    ])}
    <sensorElementList>
      <sensorElement>
        <sensorMetadata time="2019-04-02T13:05:00.000Z" deviceID="urn:epc:id:giai:4000001.111"
          deviceMetadata="https://id.gs1.org/8004/4000001111" rawData="https://example.org/8004/401234599999"
          startTime="2019-04-02T12:55:01.000Z" endTime="2019-04-02T13:55:00.000Z"
          dataProcessingMethod="https://example.com/253/4012345000054987"
          bizRules="https://example.com/253/4012345000054987" ext1:someFurtherMetadata="someText"/>
        <sensorReport type="gs1:Temperature" deviceID="urn:epc:id:giai:4000001.111"
          rawData="https://example.org/8004/401234599999"
          dataProcessingMethod="https://example.com/253/4012345000054987" time="2019-07-19T13:00:00.000Z"
          microorganism="https://www.ncbi.nlm.nih.gov/taxonomy/1126011"
          chemicalSubstance="https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N"
          value="26.0" component="example:x" stringValue="SomeString" booleanValue="true" hexBinaryValue="f0f0f0"
          uriValue="https://id.gs1.org/8004/4000001111" minValue="26.0" maxValue="26.2" meanValue="13.2"
          percRank="50" percValue="12.7" uom="CEL" sDev="0.1" ext1:someFurtherReportData="someText"
          deviceMetadata="https://id.gs1.org/8004/4000001111"/>
        ${EXT_BLOCK}
      </sensorElement>
    </sensorElementList>
    <ilmd>
      ${EXT_BLOCK}
      <cbvmda:countryOfExport>KR</cbvmda:countryOfExport>
      <cbvmda:grossWeight>3.5</cbvmda:grossWeight>
      <cbvmda:netWeight>3.5</cbvmda:netWeight>
      <cbvmda:countryOfOrigin>GB</cbvmda:countryOfOrigin>
      <cbvmda:drainedWeight>3.5</cbvmda:drainedWeight>
      <cbvmda:lotNumber>ABC123</cbvmda:lotNumber>
    </ilmd>
    ${EXT_BLOCK}
  </ObjectEvent>`,
);

// The GS1 9.6.2 ObjectEvent, 9.6.3 AggregationEvent and 9.6.4 TransformationEvent, in parts that the
// EPCIS 2.0 and 1.2 forms share (1.2 wraps the 2.0-era fields in <extension>).
const OBJECT_962_WHAT =
  '<action>OBSERVE</action>' +
  why('receiving', 'in_progress') +
  place('readPoint', 'urn:epc:id:sgln:0614141.00777.0') +
  place('bizLocation', 'urn:epc:id:sgln:0614141.00888.0');
const OBJECT_962_LISTS =
  quantities('quantityList', [['urn:epc:class:lgtin:4012345.012345.998877', '200', 'KGM']]) +
  typed('sourceList', 'source', [
    [urn('sdt', 'possessing_party'), 'urn:epc:id:sgln:4012345.00001.0'],
    [urn('sdt', 'location'), 'urn:epc:id:sgln:4012345.00225.0'],
  ]) +
  typed('destinationList', 'destination', [
    [urn('sdt', 'owning_party'), 'urn:epc:id:sgln:0614141.00001.0'],
    [urn('sdt', 'location'), 'urn:epc:id:sgln:0614141.00777.0'],
  ]);
const AGGREGATION_WHAT =
  el('parentID', 'urn:epc:id:sscc:0614141.1234567890') +
  epcs('childEPCs', ['urn:epc:id:sgtin:0614141.107346.2017', 'urn:epc:id:sgtin:0614141.107346.2018']) +
  OBJECT_962_WHAT;
const AGGREGATION_QUANTITIES = quantities('childQuantityList', [
  ['urn:epc:idpat:sgtin:4012345.098765.*', '10'],
  ['urn:epc:class:lgtin:4012345.012345.998877', '200.5', 'KGM'],
]);
const TRANSFORMATION_WHAT =
  epcs('inputEPCList', ['urn:epc:id:sgtin:4012345.011122.25', 'urn:epc:id:sgtin:4000001.065432.99886655']) +
  quantities('inputQuantityList', [
    ['urn:epc:class:lgtin:4012345.011111.4444', '10', 'KGM'],
    ['urn:epc:class:lgtin:0614141.077777.987', '30'],
    ['urn:epc:idpat:sgtin:4012345.066666.*', '220'],
  ]) +
  epcs(
    'outputEPCList',
    ['25', '26', '27', '28'].map((serial) => `urn:epc:id:sgtin:4012345.077889.${serial}`),
  ) +
  why('commissioning', 'in_progress') +
  place('readPoint', 'urn:epc:id:sgln:4012345.00001.0');
const BEST_BEFORE = '<example:bestBeforeDate>2014-12-10</example:bestBeforeDate>';
const BATCH = '<example:batch>XYZ</example:batch>';

const AGGREGATION_V2 = doc2(
  EXAMPLE_NS,
  el(
    'AggregationEvent',
    times('2013-06-08T14:58:56.591Z', '+02:00') +
      el(
        'eventID',
        'ni:///sha-256;87b5f18a69993f0052046d4687dfacdf48f7c988cfabda2819688c86b4066a49?ver=CBV2.0',
      ) +
      AGGREGATION_WHAT +
      AGGREGATION_QUANTITIES +
      MY_FIELD,
  ),
);

// A TransactionEvent whose bizTransaction has no type (allowed) and whose bizStep is not CBV.
const TRANSACTION_V2 = doc2(
  '',
  `<TransactionEvent>
    ${times('2019-10-04T13:12:00.000Z', '+01:00')}
    ${typed('bizTransactionList', 'bizTransaction', [[null, 'urn:epc:id:gdti:95252084.0001.0003555480001000']])}
    <epcList><epc>urn:epc:id:gsrn:95252084.000000001</epc></epcList>
    <action>ADD</action>
    <bizStep>http://epcis.example.org/hc/bizstep/summarising_discharge</bizStep>
    <readPoint><id>urn:epc:id:sgln:9524567.98765.0</id></readPoint>
  </TransactionEvent>`,
);

const TRANSFORMATION_V2 = doc2(
  EXAMPLE_NS,
  el(
    'TransformationEvent',
    times('2013-10-31T14:58:56.591Z', '+02:00') +
      el(
        'eventID',
        'ni:///sha-256;e65c3a997e77f34b58306da7a82ab0fc91c7820013287700f0b50345e5795b97?ver=CBV2.0',
      ) +
      TRANSFORMATION_WHAT +
      el('ilmd', BEST_BEFORE + BATCH) +
      MY_FIELD,
  ),
);

const ASSOCIATION_V2 = doc2(
  '',
  el(
    'AssociationEvent',
    times('2019-11-01T14:00:00.000+01:00', '+01:00') +
      el(
        'eventID',
        'ni:///sha-256;025ac144187a8c5e14caf4d1cfa69250a33dc59a5bc42a68d31b1b5e55a3f15a?ver=CBV2.0',
      ) +
      el('parentID', 'urn:epc:id:grai:4012345.55555.987') +
      epcs('childEPCs', ['urn:epc:id:giai:4000001.12345']) +
      '<action>ADD</action>' +
      why('assembling') +
      place('readPoint', 'urn:epc:id:sgln:4012345.00001.0'),
  ),
);

const sensorElement = (time: string, values: readonly [string, string, string, string]): string => `
  <sensorElement>
    <sensorMetadata time="${time}" deviceID="urn:epc:id:giai:4000001.111"
      deviceMetadata="https://id.gs1.org/8004/4000001111" rawData="https://example.org/8004/401234599999"/>
    <sensorReport type="gs1:Temperature" value="${values[0]}" uom="CEL"/>
    <sensorReport type="https://gs1.org/voc/AbsoluteHumidity" value="${values[1]}" uom="A93"/>
    <sensorReport type="Speed" value="${values[2]}" uom="KMH"/>
    <sensorReport type="gs1:Illuminance" value="${values[3]}" uom="LUX"/>
  </sensorElement>`;

const SENSOR_V2 = doc2(
  '',
  el(
    'ObjectEvent',
    times('2019-04-02T15:00:00.000+01:00', '+01:00') +
      el(
        'eventID',
        'ni:///sha-256;74f1dc48ee22289bc40ddd9f1d0ecae0dd09a2f4c3dfa66fdbca16cb2d8a4e77?ver=CBV2.0',
      ) +
      epcs('epcList', ['urn:epc:id:sgtin:4012345.011111.9876']) +
      '<action>OBSERVE</action>' +
      why('inspecting') +
      place('readPoint', 'urn:epc:id:sgln:4012345.00005.0') +
      el(
        'sensorElementList',
        sensorElement('2019-04-02T14:05:00.000+01:00', ['26.0', '12.1', '160.0', '800.0']) +
          sensorElement('2019-04-02T14:35:00.000+01:00', ['26.1', '12.2', '161.0', '801.0']) +
          sensorElement('2019-04-02T14:55:00.000+01:00', ['26.2', '12.2', '162.0', '802.0']),
      ),
  ),
);

const ERROR_DECLARATION_V2 = doc2(
  '',
  el(
    'ObjectEvent',
    times('2005-04-03T20:33:31.116000-06:00', '-06:00') +
      el(
        'eventID',
        'ni:///sha-256;aa49daa1fe0b773e0437e546078dc87de9c864d5b9babe84488f31478887fdf3?ver=CBV2.0',
      ) +
      el(
        'errorDeclaration',
        el('declarationTime', '2021-02-01T22:46:31.117000+00:00') +
          el('reason', urn('er', 'incorrect_data')) +
          el(
            'correctiveEventIDs',
            el(
              'correctiveEventID',
              'ni:///sha-256;c6407ffcac52ec159528f2b556ba4ac3844c5aa48485c1fd61643e94f0a2d678?ver=CBV2.0',
            ) + el('correctiveEventID', 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6'),
          ),
      ) +
      epcs('epcList', ['urn:epc:id:sgtin:0614141.107346.2017', 'urn:epc:id:sgtin:0614141.107346.2018']) +
      '<action>OBSERVE</action>' +
      why('shipping', 'in_transit') +
      place('readPoint', 'urn:epc:id:sgln:0614141.07346.1234') +
      typed('bizTransactionList', 'bizTransaction', [
        [urn('btt', 'po'), 'http://transaction.acme.com/po/12345678'],
      ]),
  ),
);

// A user extension whose namespace is bound to another prefix, and one in a default namespace: the
// keys differ from the JSON's ("acme:myField"), the expanded names, and so the hash, do not.
const EXTENSION_OTHER_PREFIX = doc2(
  'xmlns:acme="http://ns.example.com/epcis/"',
  el(
    'ObjectEvent',
    times('2005-04-04T20:33:31.116-06:00', '-06:00') +
      epcs('epcList', ['urn:epc:id:sgtin:0614141.107346.2018']) +
      '<action>OBSERVE</action>' +
      why('receiving', 'in_progress') +
      place('readPoint', 'urn:epc:id:sgln:0012345.11111.400') +
      place('bizLocation', 'urn:epc:id:sgln:0012345.11111.0') +
      typed('bizTransactionList', 'bizTransaction', [
        [urn('btt', 'po'), 'http://transaction.acme.com/po/12345678'],
        [urn('btt', 'desadv'), 'urn:epcglobal:cbv:bt:0614141073467:1152'],
      ]) +
      '<acme:myField>Example of a vendor/user extension</acme:myField>',
  ),
);
const EXTENSION_DEFAULT_NAMESPACE = EXTENSION_OTHER_PREFIX.replace(
  '<acme:myField>Example of a vendor/user extension</acme:myField>',
  '<myField xmlns="http://ns.example.com/epcis/">Example of a vendor/user extension</myField>',
);

// EPCIS 1.2: 2.0-era fields inside <extension> wrappers, eventID in baseExtension, the
// TransformationEvent inside EventList/extension, CBV values as URNs, an SBDH header.
const EPCIS_1_2 = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<epcis:EPCISDocument ${V1} ${EXAMPLE_NS}>
  <EPCISHeader>
    <sbdh:StandardBusinessDocumentHeader xmlns:sbdh="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader">
      <sbdh:HeaderVersion>1.0</sbdh:HeaderVersion>
    </sbdh:StandardBusinessDocumentHeader>
  </EPCISHeader>
  <EPCISBody>
    <EventList>
      ${el(
        'ObjectEvent',
        times('2013-06-08T14:58:56.591Z', '+02:00') +
          el(
            'baseExtension',
            el(
              'eventID',
              'ni:///sha-256;a98f08ae6ac4de3482054314d637c07010b448d3802dccb028a06aafcc6a4b10?ver=CBV2.0',
            ),
          ) +
          '<epcList/>' +
          OBJECT_962_WHAT +
          el('extension', OBJECT_962_LISTS) +
          MY_FIELD,
      )}
      ${el(
        'AggregationEvent',
        times('2013-06-08T14:58:56.591Z', '+02:00') +
          AGGREGATION_WHAT +
          el('extension', AGGREGATION_QUANTITIES) +
          MY_FIELD,
      )}
      <extension>
        ${el(
          'TransformationEvent',
          times('2013-10-31T14:58:56.591Z', '+02:00') +
            TRANSFORMATION_WHAT +
            el('ilmd', BEST_BEFORE + el('extension', BATCH)) +
            MY_FIELD,
        )}
      </extension>
    </EventList>
  </EPCISBody>
</epcis:EPCISDocument>`;

// The shape of GS1's own 1.2 examples: an unqualified <EPCISDocument>, the TransformationEvent in
// EventList/extension, eventID and errorDeclaration (a vendor extension first) in baseExtension.
const EPCIS_1_2_UNQUALIFIED = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<EPCISDocument xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" creationDate="2020-01-15T07:47:21.677+00:00"
    schemaVersion="1.2" xmlns:epcis="urn:epcglobal:epcis:xsd:1" ${EXAMPLE_NS}>
  <EPCISBody><EventList><extension><TransformationEvent>
    ${times('2020-01-14T00:00:00+01:00', '+01:00')}
    <baseExtension>
      <eventID>urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8</eventID>
      <errorDeclaration>
        <example:vendorExtension>Test1</example:vendorExtension>
        <declarationTime>2020-01-15T00:00:00+01:00</declarationTime>
        <reason>urn:epcglobal:cbv:er:incorrect_data</reason>
        <correctiveEventIDs><correctiveEventID>urn:uuid:404d95fc-9457-4a51-bd6a-0bba133845a8</correctiveEventID></correctiveEventIDs>
      </errorDeclaration>
    </baseExtension>
    ${epcs('inputEPCList', ['urn:epc:id:sgtin:4012345.011111.987'])}
    ${quantities('inputQuantityList', [['urn:epc:class:lgtin:4012345.022222.87545GHGH', '500', 'KGM']])}
    ${epcs('outputEPCList', ['urn:epc:id:sgtin:4012345.033333.AGHFG'])}
    ${quantities('outputQuantityList', [['urn:epc:idpat:sgtin:4012345.044444.*', '452', 'KGM']])}
    ${why('commissioning')}
    ${place('readPoint', 'urn:epc:id:sgln:0614141.07346.1234')}
  </TransformationEvent></extension></EventList></EPCISBody>
</EPCISDocument>`;

interface Case {
  readonly name: string;
  /** The GS1 JSON-LD example and the index of its event. */
  readonly json: readonly [file: string, index: number];
  readonly xml: string;
  readonly xmlIndex: number;
  /** Whether the converted event has the JSON event's very keys (not only the same expanded names). */
  readonly sameKeys: boolean;
}

/** A case on a GS1 example's first event and the first event of the XML, with the same keys unless said. */
const ex = (name: string, file: string, xml: string, more: Partial<Case> = {}): Case => ({
  name,
  json: [file, 0],
  xml,
  xmlIndex: 0,
  sameKeys: true,
  ...more,
});
const OBJECT_961 = 'Example_9.6.1-ObjectEvent.jsonld';
const AGGREGATION_963 = 'Example_9.6.3-AggregationEvent.jsonld';
const TRANSFORMATION_964 = 'Example_9.6.4-TransformationEvent.jsonld';

const CASES: readonly Case[] = [
  ex(
    'ObjectEvent with quantities, ILMD, sensor data, persistentDisposition, certificationInfo, extensions',
    'WithFullCombinationOfFields/object_event_all_possible_fields.jsonld',
    OBJECT_ALL_FIELDS,
  ),
  ex('AggregationEvent', AGGREGATION_963, AGGREGATION_V2),
  ex('TransactionEvent, untyped bizTransaction', 'Example-TransactionEvents-2020_07_03y.jsonld', TRANSACTION_V2),
  ex('TransformationEvent with ILMD', TRANSFORMATION_964, TRANSFORMATION_V2),
  ex('AssociationEvent', 'AssociationEvent/AssociationEvent-a.jsonld', ASSOCIATION_V2),
  ex('sensor data', 'WithSensorData/SensorDataExample1.jsonld', SENSOR_V2),
  ex('errorDeclaration', 'WithErrorDeclaration/Example_9.6.1-ObjectEvent-with-error-declaration.jsonld', ERROR_DECLARATION_V2),
  ex('user extension under another prefix', OBJECT_961, EXTENSION_OTHER_PREFIX, { json: [OBJECT_961, 1], sameKeys: false }),
  ex('user extension in a default namespace', OBJECT_961, EXTENSION_DEFAULT_NAMESPACE, { json: [OBJECT_961, 1], sameKeys: false }),
  ex('EPCIS 1.2 ObjectEvent, fields in <extension>, eventID in baseExtension', 'Example_9.6.2-ObjectEvent.jsonld', EPCIS_1_2),
  ex('EPCIS 1.2 AggregationEvent, childQuantityList in <extension>', AGGREGATION_963, EPCIS_1_2, { xmlIndex: 1, sameKeys: false }),
  ex('EPCIS 1.2 unqualified root, errorDeclaration in baseExtension', 'WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.jsonld', EPCIS_1_2_UNQUALIFIED),
  ex('EPCIS 1.2 TransformationEvent in EventList/extension', TRANSFORMATION_964, EPCIS_1_2, { xmlIndex: 2, sameKeys: false }),
]; // prettier-ignore

for (const c of CASES) {
  test(`XML binding: ${c.name} has the JSON example's event hash`, () => {
    const json = jsonExample(c.json[0]);
    const expected = documentEvents(json)[c.json[1]] as Json;
    const converted = epcisXmlToJsonLd(c.xml);
    const validation = validator.validate(converted);
    assert.deepEqual(validation, { valid: true }, JSON.stringify(validation));
    const event = documentEvents(converted)[c.xmlIndex] as Json;
    assert.equal(event.type, expected.type);
    assert.equal(epcisEventHash(event, converted['@context']), epcisEventHash(expected, json['@context']));
    if (c.sameKeys) assert.deepEqual(event, expected);
  });
}

test('XML binding: the 1.2 document without eventIDs differs from the JSON event only by the eventID', () => {
  // The two 1.2 events without an eventID: everything else is the JSON example's event.
  const converted = documentEvents(epcisXmlToJsonLd(EPCIS_1_2)) as Json[];
  const strip = ({ eventID: _id, ...rest }: Json): Json => rest;
  assert.deepEqual(
    converted[1],
    strip(documentEvents(jsonExample('Example_9.6.3-AggregationEvent.jsonld'))[0] as Json),
  );
  assert.deepEqual(
    converted[2],
    strip(documentEvents(jsonExample('Example_9.6.4-TransformationEvent.jsonld'))[0] as Json),
  );
});

test('XML binding: the hash check can fail (one changed quantity changes the hash)', () => {
  const json = jsonExample('Example_9.6.3-AggregationEvent.jsonld');
  const changed = documentEvents(epcisXmlToJsonLd(AGGREGATION_V2.replace('200.5', '200.25')))[0] as Json;
  const expected = documentEvents(json)[0] as Json;
  assert.notEqual(epcisEventHash(changed, json['@context']), epcisEventHash(expected, json['@context']));
});

test('XML binding: user extension prefixes go into @context; the header is dropped', () => {
  const converted = epcisXmlToJsonLd(OBJECT_ALL_FIELDS);
  assert.deepEqual(converted['@context'], [
    'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
    { ext1: 'http://example.com/ext1/', ext2: 'http://example.com/ext2/', ext3: 'http://example.com/ext3/' },
  ]);
  const withDefault = epcisXmlToJsonLd(EXTENSION_DEFAULT_NAMESPACE);
  const event = documentEvents(withDefault)[0] as Json;
  const [, declared] = withDefault['@context'] as [string, Record<string, string>];
  const key = Object.keys(event).find((k) => k.endsWith(':myField'))!;
  assert.equal(declared[key.split(':')[0]!], 'http://ns.example.com/epcis/');
  assert.deepEqual(Object.keys(epcisXmlToJsonLd(EPCIS_1_2)).sort(), [
    '@context',
    'creationDate',
    'epcisBody',
    'schemaVersion',
    'type',
  ]);
});

function refusal(xml: string): { code: string; reason: unknown } {
  try {
    epcisXmlToJsonLd(xml);
  } catch (err) {
    assert.ok(err instanceof ServiceError, String(err));
    return { code: err.code, reason: err.details.reason };
  }
  assert.fail('the document was accepted');
}

test('XML binding refuses a DOCTYPE that declares anything before parsing (no XXE, no entity expansion)', () => {
  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<epcis:EPCISDocument ${V2}><EPCISBody><EventList/></EPCISBody></epcis:EPCISDocument>`;
  assert.deepEqual(refusal(laughs), { code: 'epcis.xml_invalid', reason: 'doctype' });
  const xxe = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>`;
  assert.deepEqual(refusal(xxe), { code: 'epcis.xml_invalid', reason: 'doctype' });
  const withDoctype = (doctype: string) =>
    TRANSACTION_V2.replace('<?xml version="1.0" encoding="UTF-8"?>\n', `$&${doctype}\n`);
  for (const declaring of [
    '<!DOCTYPE project SYSTEM "http://example.org/epcis.dtd">',
    '<!DOCTYPE project PUBLIC "-//x//y" "epcis.dtd">',
    '<!DOCTYPE project []>',
    '<!DOCTYPE project><!DOCTYPE other>',
  ]) {
    assert.deepEqual(refusal(withDoctype(declaring)), { code: 'epcis.xml_invalid', reason: 'doctype' });
  }
  // A bare name declares nothing (editors leave `<!DOCTYPE project>` atop GS1's own example files).
  assert.deepEqual(epcisXmlToJsonLd(withDoctype('<!DOCTYPE project>')), epcisXmlToJsonLd(TRANSACTION_V2));
});

test('XML binding refuses malformed XML, parser warnings included, rather than read a partial tree', () => {
  const malformed = [
    TRANSACTION_V2.replace('</TransactionEvent>', ''),
    TRANSACTION_V2.slice(0, TRANSACTION_V2.length - 20),
    TRANSACTION_V2.replace('<action>ADD</action>', '<action>ADD</actio>'),
    TRANSACTION_V2.replace('<action>', '<action a=1>'),
    TRANSACTION_V2.replace('<action>', '<action a="1" a="2">'),
    TRANSACTION_V2.replace('<action>ADD', '<action>&unknown;ADD'),
    TRANSACTION_V2.replace('<eventTime>', '<undeclared:eventTime>').replace(
      '</eventTime>',
      '</undeclared:eventTime>',
    ),
    `${TRANSACTION_V2}<trailing/>`,
    '',
    'not xml at all',
  ];
  for (const xml of malformed)
    assert.deepEqual(refusal(xml), { code: 'epcis.xml_invalid', reason: 'malformed' }, xml.slice(-80));
});

test('XML binding refuses a root other than epcis:EPCISDocument (an unqualified one is taken)', () => {
  const wrongNamespace = TRANSACTION_V2.replace('urn:epcglobal:epcis:xsd:2', 'urn:example:not-epcis');
  const wrongName = '<epcis:Other xmlns:epcis="urn:epcglobal:epcis:xsd:2"/>';
  const otherRoot = '<EPCISQueryDocument><EPCISBody><EventList/></EPCISBody></EPCISQueryDocument>';
  for (const xml of [wrongNamespace, wrongName, otherRoot]) {
    assert.deepEqual(refusal(xml), { code: 'epcis.xml_invalid', reason: 'not_epcis' });
  }
});

test('XML binding bounds element depth and count', () => {
  const deep = `${'<example:x>'.repeat(XML_DEPTH_MAX)}v${'</example:x>'.repeat(XML_DEPTH_MAX)}`;
  const deepDoc = TRANSACTION_V2.replace('</TransactionEvent>', `${deep}</TransactionEvent>`).replace(
    'xmlns:epcis=',
    'xmlns:example="http://ns.example.com/epcis/" xmlns:epcis=',
  );
  assert.deepEqual(refusal(deepDoc), { code: 'epcis.xml_invalid', reason: 'too_deep' });
  const many = TRANSACTION_V2.replace(
    '<epcList>',
    `<epcList>${'<epc>urn:epc:id:sgtin:1.2.3</epc>'.repeat(XML_ELEMENTS_MAX)}`,
  );
  assert.deepEqual(refusal(many), { code: 'epcis.xml_invalid', reason: 'too_many_elements' });
  // Within the bounds, a nested extension is read.
  const shallow = `${'<example:x>'.repeat(8)}v${'</example:x>'.repeat(8)}`;
  const ok = epcisXmlToJsonLd(
    TRANSACTION_V2.replace('</TransactionEvent>', `${shallow}</TransactionEvent>`).replace(
      'xmlns:epcis=',
      'xmlns:example="http://ns.example.com/epcis/" xmlns:epcis=',
    ),
  );
  assert.ok('example:x' in (documentEvents(ok)[0] as Json));
});

test('XML binding refuses unknown standard elements and a standard field given twice', () => {
  const unknown = TRANSACTION_V2.replace('<action>', '<myField>x</myField><action>');
  assert.deepEqual(refusal(unknown), { code: 'epcis.xml_invalid', reason: 'structure' });
  const twice = TRANSACTION_V2.replace('<action>ADD</action>', '<action>ADD</action><action>DELETE</action>');
  assert.deepEqual(refusal(twice), { code: 'epcis.xml_invalid', reason: 'structure' });
  const notAnEvent = TRANSACTION_V2.replace('<TransactionEvent>', '<QuantityEvent>').replace(
    '</TransactionEvent>',
    '</QuantityEvent>',
  );
  assert.deepEqual(refusal(notAnEvent), { code: 'epcis.xml_invalid', reason: 'structure' });
});

test('XML binding reads CDATA text and leaves comments out', () => {
  const xml = TRANSACTION_V2.replace(
    '<action>ADD</action>',
    '<!-- a comment --><action><![CDATA[ADD]]></action>',
  );
  assert.equal((documentEvents(epcisXmlToJsonLd(xml))[0] as Json).action, 'ADD');
});

test('XML binding keeps an element named __proto__ as data, never as a prototype', () => {
  const xml = TRANSACTION_V2.replace(
    '</TransactionEvent>',
    '<example:x><__proto__><polluted>yes</polluted></__proto__></example:x></TransactionEvent>',
  ).replace('xmlns:epcis=', 'xmlns:example="http://ns.example.com/epcis/" xmlns:epcis=');
  const event = documentEvents(epcisXmlToJsonLd(xml))[0] as Json;
  const x = event['example:x'] as Json;
  assert.equal(Object.getPrototypeOf(x), Object.prototype);
  assert.ok(Object.hasOwn(x, '__proto__'));
  assert.equal((x as { polluted?: unknown }).polluted, undefined);
  assert.match(JSON.stringify(event), /"__proto__":\{"polluted":"yes"\}/);
});

test('XML binding leaves out a nil quantity, as JSON leaves the field out', () => {
  const xml = EPCIS_1_2_UNQUALIFIED.replace('<quantity>500</quantity>', '<quantity xsi:nil="true"/>');
  const event = documentEvents(epcisXmlToJsonLd(xml))[0] as Json;
  assert.deepEqual(event.inputQuantityList, [
    { epcClass: 'urn:epc:class:lgtin:4012345.022222.87545GHGH', uom: 'KGM' },
  ]);
});
