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
    <eventTime>2005-04-05T02:33:31.116Z</eventTime>
    <eventTimeZoneOffset>-06:00</eventTimeZoneOffset>
    <eventID>urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8</eventID>
    <certificationInfo>https://accreditation-council.example.org/certificate/ABC12345</certificationInfo>
    <errorDeclaration>
      <declarationTime>2006-11-07T14:00:00.000+01:00</declarationTime>
      <reason>urn:epcglobal:cbv:er:incorrect_data</reason>
      <correctiveEventIDs>
        <correctiveEventID>ni:///sha-256;fec9667280c4710a3fa9558b7bc8ddc2ced0dc442d87f82becae24bb6ca6a46f?ver=CBV2.0</correctiveEventID>
      </correctiveEventIDs>
    </errorDeclaration>
    <epcList><epc>urn:epc:id:sgtin:0614141.107346.2018</epc></epcList>
    <action>ADD</action>
    <bizStep>urn:epcglobal:cbv:bizstep:receiving</bizStep>
    <disposition>https://ref.gs1.org/cbv/Disp-in_progress</disposition>
    <persistentDisposition>
      <set>urn:epcglobal:cbv:disp:completeness_verified</set>
      <unset>completeness_inferred</unset>
    </persistentDisposition>
    <readPoint><id>urn:epc:id:sgln:0012345.11111.400</id></readPoint>
    <bizLocation><id>urn:epc:id:sgln:0012345.11111.0</id></bizLocation>
    <bizTransactionList>
      <bizTransaction type="urn:epcglobal:cbv:btt:po">urn:epc:id:gdti:0614141.00001.1618034</bizTransaction>
      <bizTransaction type="pedigree">urn:epc:id:gsrn:0614141.0000010253</bizTransaction>
    </bizTransactionList>
    <quantityList>
      <quantityElement>
        <epcClass>urn:epc:class:lgtin:4012345.012345.998877</epcClass>
        <quantity>200</quantity>
        <uom>KGM</uom>
      </quantityElement>
    </quantityList>
    <sourceList>
      <source type="urn:epcglobal:cbv:sdt:location">urn:epc:id:sgln:4012345.00225.0</source>
      <source type="urn:epcglobal:cbv:sdt:possessing_party">urn:epc:id:pgln:4012345.00225</source>
      <source type="urn:epcglobal:cbv:sdt:owning_party">urn:epc:id:pgln:4012345.00225</source>
    </sourceList>
    <destinationList>
      <destination type="urn:epcglobal:cbv:sdt:location">urn:epc:id:sgln:0614141.00777.0</destination>
      <destination type="urn:epcglobal:cbv:sdt:possessing_party">urn:epc:id:pgln:0614141.00777</destination>
      <destination type="urn:epcglobal:cbv:sdt:owning_party">urn:epc:id:pgln:0614141.00777</destination>
    </destinationList>
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

const AGGREGATION_V2 = doc2(
  'xmlns:example="http://ns.example.com/epcis/"',
  `<AggregationEvent>
    <eventTime>2013-06-08T14:58:56.591Z</eventTime>
    <eventTimeZoneOffset>+02:00</eventTimeZoneOffset>
    <eventID>ni:///sha-256;87b5f18a69993f0052046d4687dfacdf48f7c988cfabda2819688c86b4066a49?ver=CBV2.0</eventID>
    <parentID>urn:epc:id:sscc:0614141.1234567890</parentID>
    <childEPCs><epc>urn:epc:id:sgtin:0614141.107346.2017</epc><epc>urn:epc:id:sgtin:0614141.107346.2018</epc></childEPCs>
    <action>OBSERVE</action>
    <bizStep>urn:epcglobal:cbv:bizstep:receiving</bizStep>
    <disposition>urn:epcglobal:cbv:disp:in_progress</disposition>
    <readPoint><id>urn:epc:id:sgln:0614141.00777.0</id></readPoint>
    <bizLocation><id>urn:epc:id:sgln:0614141.00888.0</id></bizLocation>
    <childQuantityList>
      <quantityElement><epcClass>urn:epc:idpat:sgtin:4012345.098765.*</epcClass><quantity>10</quantity></quantityElement>
      <quantityElement><epcClass>urn:epc:class:lgtin:4012345.012345.998877</epcClass><quantity>200.5</quantity><uom>KGM</uom></quantityElement>
    </childQuantityList>
    <example:myField>Example of a vendor/user extension</example:myField>
  </AggregationEvent>`,
);

// A TransactionEvent whose bizTransaction has no type (allowed) and whose bizStep is not CBV.
const TRANSACTION_V2 = doc2(
  '',
  `<TransactionEvent>
    <eventTime>2019-10-04T13:12:00.000Z</eventTime>
    <eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
    <bizTransactionList><bizTransaction>urn:epc:id:gdti:95252084.0001.0003555480001000</bizTransaction></bizTransactionList>
    <epcList><epc>urn:epc:id:gsrn:95252084.000000001</epc></epcList>
    <action>ADD</action>
    <bizStep>http://epcis.example.org/hc/bizstep/summarising_discharge</bizStep>
    <readPoint><id>urn:epc:id:sgln:9524567.98765.0</id></readPoint>
  </TransactionEvent>`,
);

const TRANSFORMATION_V2 = doc2(
  'xmlns:example="http://ns.example.com/epcis/"',
  `<TransformationEvent>
    <eventTime>2013-10-31T14:58:56.591Z</eventTime>
    <eventTimeZoneOffset>+02:00</eventTimeZoneOffset>
    <eventID>ni:///sha-256;e65c3a997e77f34b58306da7a82ab0fc91c7820013287700f0b50345e5795b97?ver=CBV2.0</eventID>
    <inputEPCList><epc>urn:epc:id:sgtin:4012345.011122.25</epc><epc>urn:epc:id:sgtin:4000001.065432.99886655</epc></inputEPCList>
    <inputQuantityList>
      <quantityElement><epcClass>urn:epc:class:lgtin:4012345.011111.4444</epcClass><quantity>10</quantity><uom>KGM</uom></quantityElement>
      <quantityElement><epcClass>urn:epc:class:lgtin:0614141.077777.987</epcClass><quantity>30</quantity></quantityElement>
      <quantityElement><epcClass>urn:epc:idpat:sgtin:4012345.066666.*</epcClass><quantity>220</quantity></quantityElement>
    </inputQuantityList>
    <outputEPCList>
      <epc>urn:epc:id:sgtin:4012345.077889.25</epc><epc>urn:epc:id:sgtin:4012345.077889.26</epc>
      <epc>urn:epc:id:sgtin:4012345.077889.27</epc><epc>urn:epc:id:sgtin:4012345.077889.28</epc>
    </outputEPCList>
    <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
    <disposition>urn:epcglobal:cbv:disp:in_progress</disposition>
    <readPoint><id>urn:epc:id:sgln:4012345.00001.0</id></readPoint>
    <ilmd>
      <example:bestBeforeDate>2014-12-10</example:bestBeforeDate>
      <example:batch>XYZ</example:batch>
    </ilmd>
    <example:myField>Example of a vendor/user extension</example:myField>
  </TransformationEvent>`,
);

const ASSOCIATION_V2 = doc2(
  '',
  `<AssociationEvent>
    <eventTime>2019-11-01T14:00:00.000+01:00</eventTime>
    <eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
    <eventID>ni:///sha-256;025ac144187a8c5e14caf4d1cfa69250a33dc59a5bc42a68d31b1b5e55a3f15a?ver=CBV2.0</eventID>
    <parentID>urn:epc:id:grai:4012345.55555.987</parentID>
    <childEPCs><epc>urn:epc:id:giai:4000001.12345</epc></childEPCs>
    <action>ADD</action>
    <bizStep>urn:epcglobal:cbv:bizstep:assembling</bizStep>
    <readPoint><id>urn:epc:id:sgln:4012345.00001.0</id></readPoint>
  </AssociationEvent>`,
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
  `<ObjectEvent>
    <eventTime>2019-04-02T15:00:00.000+01:00</eventTime>
    <eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
    <eventID>ni:///sha-256;74f1dc48ee22289bc40ddd9f1d0ecae0dd09a2f4c3dfa66fdbca16cb2d8a4e77?ver=CBV2.0</eventID>
    <epcList><epc>urn:epc:id:sgtin:4012345.011111.9876</epc></epcList>
    <action>OBSERVE</action>
    <bizStep>urn:epcglobal:cbv:bizstep:inspecting</bizStep>
    <readPoint><id>urn:epc:id:sgln:4012345.00005.0</id></readPoint>
    <sensorElementList>
      ${sensorElement('2019-04-02T14:05:00.000+01:00', ['26.0', '12.1', '160.0', '800.0'])}
      ${sensorElement('2019-04-02T14:35:00.000+01:00', ['26.1', '12.2', '161.0', '801.0'])}
      ${sensorElement('2019-04-02T14:55:00.000+01:00', ['26.2', '12.2', '162.0', '802.0'])}
    </sensorElementList>
  </ObjectEvent>`,
);

const ERROR_DECLARATION_V2 = doc2(
  '',
  `<ObjectEvent>
    <eventTime>2005-04-03T20:33:31.116000-06:00</eventTime>
    <eventTimeZoneOffset>-06:00</eventTimeZoneOffset>
    <eventID>ni:///sha-256;aa49daa1fe0b773e0437e546078dc87de9c864d5b9babe84488f31478887fdf3?ver=CBV2.0</eventID>
    <errorDeclaration>
      <declarationTime>2021-02-01T22:46:31.117000+00:00</declarationTime>
      <reason>urn:epcglobal:cbv:er:incorrect_data</reason>
      <correctiveEventIDs>
        <correctiveEventID>ni:///sha-256;c6407ffcac52ec159528f2b556ba4ac3844c5aa48485c1fd61643e94f0a2d678?ver=CBV2.0</correctiveEventID>
        <correctiveEventID>urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6</correctiveEventID>
      </correctiveEventIDs>
    </errorDeclaration>
    <epcList><epc>urn:epc:id:sgtin:0614141.107346.2017</epc><epc>urn:epc:id:sgtin:0614141.107346.2018</epc></epcList>
    <action>OBSERVE</action>
    <bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>
    <disposition>urn:epcglobal:cbv:disp:in_transit</disposition>
    <readPoint><id>urn:epc:id:sgln:0614141.07346.1234</id></readPoint>
    <bizTransactionList><bizTransaction type="urn:epcglobal:cbv:btt:po">http://transaction.acme.com/po/12345678</bizTransaction></bizTransactionList>
  </ObjectEvent>`,
);

// A user extension whose namespace is bound to another prefix, and one in a default namespace: the
// keys differ from the JSON's ("acme:myField"), the expanded names, and so the hash, do not.
const EXTENSION_OTHER_PREFIX = doc2(
  'xmlns:acme="http://ns.example.com/epcis/"',
  `<ObjectEvent>
    <eventTime>2005-04-04T20:33:31.116-06:00</eventTime>
    <eventTimeZoneOffset>-06:00</eventTimeZoneOffset>
    <epcList><epc>urn:epc:id:sgtin:0614141.107346.2018</epc></epcList>
    <action>OBSERVE</action>
    <bizStep>urn:epcglobal:cbv:bizstep:receiving</bizStep>
    <disposition>urn:epcglobal:cbv:disp:in_progress</disposition>
    <readPoint><id>urn:epc:id:sgln:0012345.11111.400</id></readPoint>
    <bizLocation><id>urn:epc:id:sgln:0012345.11111.0</id></bizLocation>
    <bizTransactionList>
      <bizTransaction type="urn:epcglobal:cbv:btt:po">http://transaction.acme.com/po/12345678</bizTransaction>
      <bizTransaction type="urn:epcglobal:cbv:btt:desadv">urn:epcglobal:cbv:bt:0614141073467:1152</bizTransaction>
    </bizTransactionList>
    <acme:myField>Example of a vendor/user extension</acme:myField>
  </ObjectEvent>`,
);
const EXTENSION_DEFAULT_NAMESPACE = EXTENSION_OTHER_PREFIX.replace(
  '<acme:myField>Example of a vendor/user extension</acme:myField>',
  '<myField xmlns="http://ns.example.com/epcis/">Example of a vendor/user extension</myField>',
);

// EPCIS 1.2: 2.0-era fields inside <extension> wrappers, eventID in baseExtension, the
// TransformationEvent inside EventList/extension, CBV values as URNs.
const EPCIS_1_2 = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<epcis:EPCISDocument ${V1} xmlns:example="http://ns.example.com/epcis/">
  <EPCISHeader>
    <sbdh:StandardBusinessDocumentHeader xmlns:sbdh="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader">
      <sbdh:HeaderVersion>1.0</sbdh:HeaderVersion>
    </sbdh:StandardBusinessDocumentHeader>
  </EPCISHeader>
  <EPCISBody>
    <EventList>
      <ObjectEvent>
        <eventTime>2013-06-08T14:58:56.591Z</eventTime>
        <eventTimeZoneOffset>+02:00</eventTimeZoneOffset>
        <baseExtension>
          <eventID>ni:///sha-256;a98f08ae6ac4de3482054314d637c07010b448d3802dccb028a06aafcc6a4b10?ver=CBV2.0</eventID>
        </baseExtension>
        <epcList/>
        <action>OBSERVE</action>
        <bizStep>urn:epcglobal:cbv:bizstep:receiving</bizStep>
        <disposition>urn:epcglobal:cbv:disp:in_progress</disposition>
        <readPoint><id>urn:epc:id:sgln:0614141.00777.0</id></readPoint>
        <bizLocation><id>urn:epc:id:sgln:0614141.00888.0</id></bizLocation>
        <extension>
          <quantityList>
            <quantityElement>
              <epcClass>urn:epc:class:lgtin:4012345.012345.998877</epcClass>
              <quantity>200</quantity>
              <uom>KGM</uom>
            </quantityElement>
          </quantityList>
          <sourceList>
            <source type="urn:epcglobal:cbv:sdt:possessing_party">urn:epc:id:sgln:4012345.00001.0</source>
            <source type="urn:epcglobal:cbv:sdt:location">urn:epc:id:sgln:4012345.00225.0</source>
          </sourceList>
          <destinationList>
            <destination type="urn:epcglobal:cbv:sdt:owning_party">urn:epc:id:sgln:0614141.00001.0</destination>
            <destination type="urn:epcglobal:cbv:sdt:location">urn:epc:id:sgln:0614141.00777.0</destination>
          </destinationList>
        </extension>
        <example:myField>Example of a vendor/user extension</example:myField>
      </ObjectEvent>
      <AggregationEvent>
        <eventTime>2013-06-08T14:58:56.591Z</eventTime>
        <eventTimeZoneOffset>+02:00</eventTimeZoneOffset>
        <parentID>urn:epc:id:sscc:0614141.1234567890</parentID>
        <childEPCs><epc>urn:epc:id:sgtin:0614141.107346.2017</epc><epc>urn:epc:id:sgtin:0614141.107346.2018</epc></childEPCs>
        <action>OBSERVE</action>
        <bizStep>urn:epcglobal:cbv:bizstep:receiving</bizStep>
        <disposition>urn:epcglobal:cbv:disp:in_progress</disposition>
        <readPoint><id>urn:epc:id:sgln:0614141.00777.0</id></readPoint>
        <bizLocation><id>urn:epc:id:sgln:0614141.00888.0</id></bizLocation>
        <extension>
          <childQuantityList>
            <quantityElement><epcClass>urn:epc:idpat:sgtin:4012345.098765.*</epcClass><quantity>10</quantity></quantityElement>
            <quantityElement><epcClass>urn:epc:class:lgtin:4012345.012345.998877</epcClass><quantity>200.5</quantity><uom>KGM</uom></quantityElement>
          </childQuantityList>
        </extension>
        <example:myField>Example of a vendor/user extension</example:myField>
      </AggregationEvent>
      <extension>
        <TransformationEvent>
          <eventTime>2013-10-31T14:58:56.591Z</eventTime>
          <eventTimeZoneOffset>+02:00</eventTimeZoneOffset>
          <inputEPCList><epc>urn:epc:id:sgtin:4012345.011122.25</epc><epc>urn:epc:id:sgtin:4000001.065432.99886655</epc></inputEPCList>
          <inputQuantityList>
            <quantityElement><epcClass>urn:epc:class:lgtin:4012345.011111.4444</epcClass><quantity>10</quantity><uom>KGM</uom></quantityElement>
            <quantityElement><epcClass>urn:epc:class:lgtin:0614141.077777.987</epcClass><quantity>30</quantity></quantityElement>
            <quantityElement><epcClass>urn:epc:idpat:sgtin:4012345.066666.*</epcClass><quantity>220</quantity></quantityElement>
          </inputQuantityList>
          <outputEPCList>
            <epc>urn:epc:id:sgtin:4012345.077889.25</epc><epc>urn:epc:id:sgtin:4012345.077889.26</epc>
            <epc>urn:epc:id:sgtin:4012345.077889.27</epc><epc>urn:epc:id:sgtin:4012345.077889.28</epc>
          </outputEPCList>
          <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
          <disposition>urn:epcglobal:cbv:disp:in_progress</disposition>
          <readPoint><id>urn:epc:id:sgln:4012345.00001.0</id></readPoint>
          <ilmd>
            <example:bestBeforeDate>2014-12-10</example:bestBeforeDate>
            <extension><example:batch>XYZ</example:batch></extension>
          </ilmd>
          <example:myField>Example of a vendor/user extension</example:myField>
        </TransformationEvent>
      </extension>
    </EventList>
  </EPCISBody>
</epcis:EPCISDocument>`;

// The shape of GS1's own 1.2 examples: an unqualified <EPCISDocument>, the TransformationEvent in
// EventList/extension, eventID and errorDeclaration (a vendor extension first) in baseExtension.
const EPCIS_1_2_UNQUALIFIED = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<EPCISDocument xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" creationDate="2020-01-15T07:47:21.677+00:00"
    schemaVersion="1.2" xmlns:epcis="urn:epcglobal:epcis:xsd:1" xmlns:example="http://ns.example.com/epcis/">
  <EPCISBody>
    <EventList>
      <extension>
        <TransformationEvent>
          <eventTime>2020-01-14T00:00:00+01:00</eventTime>
          <eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
          <baseExtension>
            <eventID>urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8</eventID>
            <errorDeclaration>
              <example:vendorExtension>Test1</example:vendorExtension>
              <declarationTime>2020-01-15T00:00:00+01:00</declarationTime>
              <reason>urn:epcglobal:cbv:er:incorrect_data</reason>
              <correctiveEventIDs><correctiveEventID>urn:uuid:404d95fc-9457-4a51-bd6a-0bba133845a8</correctiveEventID></correctiveEventIDs>
            </errorDeclaration>
          </baseExtension>
          <inputEPCList><epc>urn:epc:id:sgtin:4012345.011111.987</epc></inputEPCList>
          <inputQuantityList>
            <quantityElement><epcClass>urn:epc:class:lgtin:4012345.022222.87545GHGH</epcClass><quantity>500</quantity><uom>KGM</uom></quantityElement>
          </inputQuantityList>
          <outputEPCList><epc>urn:epc:id:sgtin:4012345.033333.AGHFG</epc></outputEPCList>
          <outputQuantityList>
            <quantityElement><epcClass>urn:epc:idpat:sgtin:4012345.044444.*</epcClass><quantity>452</quantity><uom>KGM</uom></quantityElement>
          </outputQuantityList>
          <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
          <readPoint><id>urn:epc:id:sgln:0614141.07346.1234</id></readPoint>
        </TransformationEvent>
      </extension>
    </EventList>
  </EPCISBody>
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

const CASES: readonly Case[] = [
  {
    name: 'ObjectEvent with quantities, ILMD, sensor data, persistentDisposition, certificationInfo, extensions',
    json: ['WithFullCombinationOfFields/object_event_all_possible_fields.jsonld', 0],
    xml: OBJECT_ALL_FIELDS,
    xmlIndex: 0,
    sameKeys: true,
  },
  { name: 'AggregationEvent', json: ['Example_9.6.3-AggregationEvent.jsonld', 0], xml: AGGREGATION_V2, xmlIndex: 0, sameKeys: true },
  { name: 'TransactionEvent, untyped bizTransaction', json: ['Example-TransactionEvents-2020_07_03y.jsonld', 0], xml: TRANSACTION_V2, xmlIndex: 0, sameKeys: true },
  { name: 'TransformationEvent with ILMD', json: ['Example_9.6.4-TransformationEvent.jsonld', 0], xml: TRANSFORMATION_V2, xmlIndex: 0, sameKeys: true },
  { name: 'AssociationEvent', json: ['AssociationEvent/AssociationEvent-a.jsonld', 0], xml: ASSOCIATION_V2, xmlIndex: 0, sameKeys: true },
  { name: 'sensor data', json: ['WithSensorData/SensorDataExample1.jsonld', 0], xml: SENSOR_V2, xmlIndex: 0, sameKeys: true },
  { name: 'errorDeclaration', json: ['WithErrorDeclaration/Example_9.6.1-ObjectEvent-with-error-declaration.jsonld', 0], xml: ERROR_DECLARATION_V2, xmlIndex: 0, sameKeys: true },
  { name: 'user extension under another prefix', json: ['Example_9.6.1-ObjectEvent.jsonld', 1], xml: EXTENSION_OTHER_PREFIX, xmlIndex: 0, sameKeys: false },
  { name: 'user extension in a default namespace', json: ['Example_9.6.1-ObjectEvent.jsonld', 1], xml: EXTENSION_DEFAULT_NAMESPACE, xmlIndex: 0, sameKeys: false },
  { name: 'EPCIS 1.2 ObjectEvent, fields in <extension>, eventID in baseExtension', json: ['Example_9.6.2-ObjectEvent.jsonld', 0], xml: EPCIS_1_2, xmlIndex: 0, sameKeys: true },
  { name: 'EPCIS 1.2 AggregationEvent, childQuantityList in <extension>', json: ['Example_9.6.3-AggregationEvent.jsonld', 0], xml: EPCIS_1_2, xmlIndex: 1, sameKeys: false },
  { name: 'EPCIS 1.2 unqualified root, errorDeclaration in baseExtension', json: ['WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.jsonld', 0], xml: EPCIS_1_2_UNQUALIFIED, xmlIndex: 0, sameKeys: true },
  { name: 'EPCIS 1.2 TransformationEvent in EventList/extension, ILMD extension', json: ['Example_9.6.4-TransformationEvent.jsonld', 0], xml: EPCIS_1_2, xmlIndex: 2, sameKeys: false },
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

test('XML binding refuses any DOCTYPE before parsing (no XXE, no entity expansion)', () => {
  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<epcis:EPCISDocument ${V2}><EPCISBody><EventList/></EPCISBody></epcis:EPCISDocument>`;
  assert.deepEqual(refusal(laughs), { code: 'epcis.xml_invalid', reason: 'doctype' });
  const xxe = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>`;
  assert.deepEqual(refusal(xxe), { code: 'epcis.xml_invalid', reason: 'doctype' });
  assert.deepEqual(refusal(`<!doctype project>${TRANSACTION_V2}`), {
    code: 'epcis.xml_invalid',
    reason: 'doctype',
  });
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
