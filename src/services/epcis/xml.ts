// The EPCIS XML binding (EPCIS 2.0 §9, EPCglobal-epcis-2_0.xsd; and EPCIS 1.2 documents) read into the
// EPCIS 2.0 JSON-LD document the capture path already takes, so schema validation, the event hash and
// the supply rules see one form whatever the binding. The mapping follows the standard's JSON/XML
// correspondence:
//   - standard elements (no namespace) become their JSON keys; lists (epcList/epc, quantityList/
//     quantityElement, bizTransactionList/bizTransaction@type, …) become arrays; quantities and sensor
//     values become numbers, booleanValue a boolean;
//   - EPCIS 1.x <extension> and <baseExtension> wrappers are flattened into the element that holds them
//     (1.2 put quantityList, ilmd, sourceList, TransformationEvent, … there);
//   - CBV values are written as the JSON binding writes them: a standard term in its URN
//     ("urn:epcglobal:cbv:bizstep:shipping") or Web URI form becomes the bare word ("shipping"); any
//     other value is kept as given (the event hash reads every spelling the same);
//   - user extension elements (any other namespace) become "prefix:local" keys with the prefix declared
//     in @context; children make an object, repeated elements an array, text a string;
//     attributes of an extension element sit beside its text ("#text");
//   - the EPCISHeader (SBDH, master data) is dropped, as the JSON path keeps only the events.
import type { Element } from '@xmldom/xmldom';
import {
  CBV_BASE,
  CBV_URN_PREFIXES,
  GS1_VOC_BASE,
  VOCABULARY_BY_FIELD,
} from '../../app/supply/event-hash/vocab.ts';
import { childElements, parseXmlSafely, xmlInvalid } from './xml-parse.ts';

export const EPCIS_XML_NAMESPACES: readonly string[] = [
  'urn:epcglobal:epcis:xsd:1',
  'urn:epcglobal:epcis:xsd:2',
];
export const EPCIS_CONTEXT_URL = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
export const EPCIS_XML_MEDIA_TYPES = ['application/xml', 'text/xml'] as const;

export const EPCIS_QUERY_XML_NAMESPACES: readonly string[] = [
  'urn:epcglobal:epcis-query:xsd:1',
  'urn:epcglobal:epcis-query:xsd:2',
];
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const XMLNS = 'http://www.w3.org/2000/xmlns/';
/** Namespaces that are the binding's own, never a user extension's; their prefixes stay out of @context. */
const BINDING_NAMESPACES = new Set([
  ...EPCIS_XML_NAMESPACES,
  ...EPCIS_QUERY_XML_NAMESPACES,
  'urn:epcglobal:xsd:1',
  'http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader',
  XSI,
  'http://www.w3.org/2001/XMLSchema',
  'http://www.w3.org/XML/1998/namespace',
]);
/** Prefixes the EPCIS 2.0 JSON-LD context defines itself; a document must not rebind them. */
const CONTEXT_PREFIXES = new Set(['epcis', 'cbv', 'cbvmda', 'gs1', 'xsd', 'rdfs', 'owl', 'dcterms']);
/**
 * XML namespaces that are the EPCIS 2.0 context's own prefixes: their elements take that prefix, with
 * nothing added to @context (so ILMD's urn:epcglobal:cbv:mda lotNumber is "cbvmda:lotNumber", as in JSON).
 */
const CONTEXT_NAMESPACES: ReadonlyMap<string, string> = new Map([
  ['urn:epcglobal:cbv:mda', 'cbvmda'],
  ['urn:epcglobal:cbv:mda:', 'cbvmda'],
  ['urn:epcglobal:cbv:mda#', 'cbvmda'],
  ['https://gs1.org/voc/', 'gs1'],
  ['https://ref.gs1.org/cbv/', 'cbv'],
  ['https://ref.gs1.org/epcis/', 'epcis'],
  ['http://www.w3.org/2000/01/rdf-schema#', 'rdfs'],
  ['http://www.w3.org/2002/07/owl#', 'owl'],
  ['http://purl.org/dc/terms/', 'dcterms'],
]);

type Json = unknown;
type JsonObject = Record<string, Json>;
type VocabularyField = keyof typeof VOCABULARY_BY_FIELD;

const EVENT_TYPES = new Set([
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
]);

/** The text of an element (text and CDATA children), trimmed. */
function textOf(element: Element): string {
  let text = '';
  for (let c = element.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType === 3 || c.nodeType === 4) text += c.nodeValue ?? '';
  }
  return text.trim();
}

const isStandard = (element: Element): boolean => element.namespaceURI === null;

/** The bare JSON-LD term of a CBV / GS1 vocabulary value in any spelling, or the value as given. */
export function compactTerm(field: VocabularyField, value: string): string {
  const { base, terms } = VOCABULARY_BY_FIELD[field];
  let uri = value;
  for (const [urn, web] of CBV_URN_PREFIXES) if (uri.startsWith(urn)) uri = web + uri.slice(urn.length);
  if (uri.startsWith('gs1:')) uri = GS1_VOC_BASE + uri.slice(4);
  else if (uri.startsWith('cbv:')) uri = CBV_BASE + uri.slice(4);
  if (uri.startsWith(base) && terms.has(uri.slice(base.length))) return uri.slice(base.length);
  return value;
}

/** A decimal as a JSON number when it is one; otherwise the text, for the schema to refuse by name. */
function decimal(text: string): Json {
  const value = Number(text);
  return text !== '' && Number.isFinite(value) ? value : text;
}

function boolean(text: string): Json {
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  return text;
}

/** Reads one document; holds the prefixes its extension keys use, for @context. */
class XmlToJsonLd {
  /** prefix → namespace of every user extension namespace met, in order. */
  readonly prefixes = new Map<string, string>();
  private readonly byNamespace = new Map<string, string>();

  /** Declares the document's own prefixes first, so CURIE values ("example:x") expand as in JSON-LD. */
  declare(root: Element): void {
    const stack = [root];
    while (stack.length > 0) {
      const element = stack.pop()!;
      for (const attr of Array.from(element.attributes)) {
        if (attr.namespaceURI === XMLNS && attr.localName !== 'xmlns')
          this.prefixFor(attr.value, attr.localName);
      }
      stack.push(...childElements(element));
    }
  }

  private prefixFor(namespace: string, wanted: string | null): string | undefined {
    if (BINDING_NAMESPACES.has(namespace)) return undefined;
    const known = this.byNamespace.get(namespace) ?? CONTEXT_NAMESPACES.get(namespace);
    if (known !== undefined) return known;
    let prefix = wanted !== null && wanted !== '' && !CONTEXT_PREFIXES.has(wanted) ? wanted : 'ns';
    for (let i = 1; this.prefixes.has(prefix) || CONTEXT_PREFIXES.has(prefix); i++) prefix = `ns${i}`;
    this.prefixes.set(prefix, namespace);
    this.byNamespace.set(namespace, prefix);
    return prefix;
  }

  /** "prefix:local" of a namespaced element or attribute. */
  key(node: { namespaceURI: string | null; localName: string | null; prefix: string | null }): string {
    const namespace = node.namespaceURI ?? '';
    const prefix = this.prefixFor(namespace, node.prefix);
    if (prefix === undefined) {
      throw xmlInvalid(
        'structure',
        `element ${String(node.localName)} of the EPCIS namespace is out of place`,
      );
    }
    return `${prefix}:${node.localName ?? ''}`;
  }

  /** A user extension element's value: text, or an object of its children and attributes. */
  extensionValue(element: Element): Json {
    const children = childElements(element);
    const attributes = Array.from(element.attributes).filter(
      (a) => a.namespaceURI !== XMLNS && a.namespaceURI !== XSI && a.name !== 'xmlns',
    );
    if (children.length === 0 && attributes.length === 0) return textOf(element);
    const object: JsonObject = {};
    for (const attr of attributes)
      put(object, attr.namespaceURI === null ? attr.name : this.key(attr), attr.value);
    for (const child of children) {
      const key = child.namespaceURI === null ? (child.localName ?? '') : this.key(child);
      add(object, key, this.extensionValue(child), 'collect');
    }
    const text = textOf(element);
    if (text !== '') object['#text'] = text;
    return object;
  }

  document(root: Element): JsonObject {
    // An unqualified <EPCISDocument> is taken too: GS1's own 1.2 examples send one. So is a query
    // document (what GET /epcis/events answers, forwarded): its events are captured as a document's.
    const namespace = root.namespaceURI;
    const isDocument =
      root.localName === 'EPCISDocument' && (namespace === null || EPCIS_XML_NAMESPACES.includes(namespace));
    const isQueryDocument =
      root.localName === 'EPCISQueryDocument' && EPCIS_QUERY_XML_NAMESPACES.includes(namespace ?? '');
    if (!isDocument && !isQueryDocument) {
      throw xmlInvalid(
        'not_epcis',
        'the XML root must be epcis:EPCISDocument (urn:epcglobal:epcis:xsd:1 or :2) or epcisq:EPCISQueryDocument',
        { root: `${root.namespaceURI ?? ''} ${root.localName ?? ''}`.trim().slice(0, 120) },
      );
    }
    this.declare(root);
    const eventList: Json[] = [];
    for (const part of childElements(root)) {
      if (!isStandard(part) || part.localName === 'EPCISHeader' || part.localName === 'extension') continue;
      if (part.localName !== 'EPCISBody') throw unknownElement(part, root.localName ?? '');
      const lists = isDocument ? childElements(part) : queryEventLists(part);
      for (const list of lists) {
        if (list.localName === 'EventList' && isStandard(list)) eventList.push(...this.eventList(list));
      }
    }
    const document: JsonObject = {
      '@context':
        this.prefixes.size === 0
          ? [EPCIS_CONTEXT_URL]
          : [EPCIS_CONTEXT_URL, Object.fromEntries(this.prefixes)],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
    };
    const creationDate = root.getAttribute('creationDate');
    if (creationDate !== null) document.creationDate = creationDate;
    document.epcisBody = { eventList };
    return document;
  }

  /** Events of an EventList, the 1.x <extension> wrapper (TransformationEvent, AssociationEvent) included. */
  eventList(list: Element): JsonObject[] {
    const events: JsonObject[] = [];
    for (const element of childElements(list)) {
      if (!isStandard(element)) continue; // another namespace's event type: not an EPCIS event to capture
      if (element.localName === 'extension') events.push(...this.eventList(element));
      else if (EVENT_TYPES.has(element.localName ?? '')) events.push(this.event(element));
      else throw unknownElement(element, 'EventList');
    }
    return events;
  }

  event(element: Element): JsonObject {
    const event: JsonObject = { type: element.localName ?? '' };
    this.fields(element, event, EVENT_FIELDS, element.localName ?? 'event');
    return event;
  }

  /** Reads element's children into target: standard ones by spec, extension wrappers flattened. */
  fields(element: Element, target: JsonObject, spec: FieldSpec, where: string): void {
    for (const child of childElements(element)) {
      const name = child.localName ?? '';
      if (!isStandard(child)) add(target, this.key(child), this.extensionValue(child), 'collect');
      else if (name === 'extension' || name === 'baseExtension') this.fields(child, target, spec, where);
      else {
        const read = spec[name];
        if (read === undefined) throw unknownElement(child, where);
        const [key, value, repeat] = read(child, this);
        // An empty list (EPCIS 1.x requires <epcList/> even when quantities say it all) is no field,
        // nor is an empty quantity (<quantity xsi:nil="true"/>).
        if (value !== undefined && !(Array.isArray(value) && value.length === 0))
          add(target, key, value, repeat ?? 'once');
      }
    }
  }

  /** An element of standard fields with an extension point (readPoint, errorDeclaration, …). */
  object(element: Element, spec: FieldSpec): JsonObject {
    const object: JsonObject = {};
    this.fields(element, object, spec, element.localName ?? '');
    return object;
  }

  /** Attributes as JSON fields: standard names through `read`, namespaced ones as extension keys. */
  attributes(element: Element, read: (name: string, value: string) => Json): JsonObject {
    const object: JsonObject = {};
    for (const attr of Array.from(element.attributes)) {
      if (attr.namespaceURI === XMLNS || attr.namespaceURI === XSI || attr.name === 'xmlns') continue;
      const name = attr.name === 'deviceMetaData' ? 'deviceMetadata' : attr.name; // the drafts' spelling
      if (attr.namespaceURI === null) put(object, name, read(name, attr.value));
      else put(object, this.key(attr), attr.value);
    }
    return object;
  }
}

/** The EventLists of a query document's body: EPCISBody/epcisq:QueryResults/resultsBody/EventList. */
function queryEventLists(body: Element): Element[] {
  return childElements(body)
    .filter(
      (r) => r.localName === 'QueryResults' && EPCIS_QUERY_XML_NAMESPACES.includes(r.namespaceURI ?? ''),
    )
    .flatMap((results) =>
      childElements(results).filter((c) => c.localName === 'resultsBody' && isStandard(c)),
    )
    .flatMap((resultsBody) => childElements(resultsBody));
}

/** A standard child element's reader: its JSON key, value and whether it may repeat. */
type FieldReader = (element: Element, reader: XmlToJsonLd) => readonly [string, Json, Repeat?];
type FieldSpec = Readonly<Record<string, FieldReader>>;

function unknownElement(element: Element, where: string): Error {
  return xmlInvalid(
    'structure',
    `unexpected element <${(element.localName ?? '').slice(0, 64)}> in ${where}`,
    {
      element: (element.localName ?? '').slice(0, 64),
    },
  );
}

/** An own property, whatever the name: an element called __proto__ must not become a prototype. */
function put(target: JsonObject, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * How a key takes a second element: "once" refuses it (a standard field given twice), "collect" turns
 * the value into an array (user extensions, certificationInfo), "list" is always an array (sensorReport).
 */
type Repeat = 'once' | 'collect' | 'list';

function add(target: JsonObject, key: string, value: Json, repeat: Repeat): void {
  const existing = target[key];
  if (repeat === 'list') put(target, key, [...((existing as Json[] | undefined) ?? []), value]);
  else if (!Object.hasOwn(target, key)) put(target, key, value);
  else if (repeat === 'once') {
    throw xmlInvalid('structure', `element ${key.slice(0, 64)} appears twice`, { element: key.slice(0, 64) });
  } else put(target, key, Array.isArray(existing) ? [...(existing as Json[]), value] : [existing, value]);
}

const text =
  (key?: string): FieldReader =>
  (element) => [key ?? element.localName ?? '', textOf(element)];
const vocab =
  (field: VocabularyField): FieldReader =>
  (element) => [element.localName ?? '', compactTerm(field, textOf(element))];

/** The texts of the named children of a list element (epcList/epc, correctiveEventIDs/correctiveEventID). */
function texts(element: Element, item: string): string[] {
  return childElements(element).map((child) => {
    if (child.localName !== item || !isStandard(child)) throw unknownElement(child, element.localName ?? '');
    return textOf(child);
  });
}

const idList =
  (item = 'epc'): FieldReader =>
  (element) => [element.localName ?? '', texts(element, item)];

const QUANTITY_FIELDS: FieldSpec = {
  epcClass: text(),
  quantity: (element) => ['quantity', textOf(element) === '' ? undefined : decimal(textOf(element))],
  uom: text(),
};

const quantityList: FieldReader = (element, reader) => [
  element.localName ?? '',
  childElements(element).map((item) => {
    if (item.localName !== 'quantityElement') throw unknownElement(item, element.localName ?? '');
    return reader.object(item, QUANTITY_FIELDS);
  }),
];

/** bizTransactionList, sourceList, destinationList: the type attribute (optional for bizTransaction). */
const typedList =
  (item: string, field: VocabularyField): FieldReader =>
  (element) => [
    element.localName ?? '',
    childElements(element).map((entry) => {
      if (entry.localName !== item) throw unknownElement(entry, element.localName ?? '');
      const type = entry.getAttribute('type');
      const value = textOf(entry);
      return type === null || type === ''
        ? { [item]: value }
        : { type: compactTerm(field, type), [item]: value };
    }),
  ];

const LOCATION_FIELDS: FieldSpec = { id: text() };

const persistentDisposition: FieldReader = (element) => {
  const out: { set?: string[]; unset?: string[] } = {};
  for (const child of childElements(element)) {
    const name = child.localName;
    if (name !== 'set' && name !== 'unset') throw unknownElement(child, 'persistentDisposition');
    (out[name] ??= []).push(compactTerm('disposition', textOf(child)));
  }
  return ['persistentDisposition', out];
};

const ERROR_DECLARATION_FIELDS: FieldSpec = {
  declarationTime: text(),
  reason: vocab('errorReason'),
  correctiveEventIDs: idList('correctiveEventID'),
};

const SENSOR_NUMBERS = new Set([
  'value',
  'minValue',
  'maxValue',
  'meanValue',
  'sDev',
  'percRank',
  'percValue',
]);
const SENSOR_VOCABULARY: Readonly<Record<string, VocabularyField>> = {
  type: 'measurementType',
  exception: 'sensorAlertType',
  component: 'component',
};

function sensorAttribute(name: string, value: string): Json {
  if (SENSOR_NUMBERS.has(name)) return decimal(value);
  if (name === 'booleanValue') return boolean(value);
  const field = SENSOR_VOCABULARY[name];
  return field === undefined ? value : compactTerm(field, value);
}

const SENSOR_ELEMENT_FIELDS: FieldSpec = {
  sensorMetadata: (element, reader) => ['sensorMetadata', reader.attributes(element, (_n, v) => v)],
  // The spelling of the EPCIS 2.0 drafts, still met in the field.
  sensorMetaData: (element, reader) => ['sensorMetadata', reader.attributes(element, (_n, v) => v)],
  sensorReport: (element, reader) => ['sensorReport', reader.attributes(element, sensorAttribute), 'list'],
};

const sensorElementList: FieldReader = (element, reader) => [
  'sensorElementList',
  childElements(element).map((item) => {
    if (item.localName !== 'sensorElement') throw unknownElement(item, 'sensorElementList');
    return reader.object(item, SENSOR_ELEMENT_FIELDS);
  }),
];

/** ILMD: its content is all user extension elements (1.2 may wrap some in <extension>). */
const ilmd: FieldReader = (element, reader) => ['ilmd', reader.object(element, {})];

const EVENT_FIELDS: FieldSpec = {
  eventTime: text(),
  recordTime: text(),
  eventTimeZoneOffset: text(),
  eventID: text(),
  certificationInfo: (element) => ['certificationInfo', textOf(element), 'collect'],
  errorDeclaration: (element, reader) => [
    'errorDeclaration',
    reader.object(element, ERROR_DECLARATION_FIELDS),
  ],
  epcList: idList(),
  childEPCs: idList(),
  inputEPCList: idList(),
  outputEPCList: idList(),
  parentID: text(),
  quantityList,
  childQuantityList: quantityList,
  inputQuantityList: quantityList,
  outputQuantityList: quantityList,
  action: text(),
  transformationID: text(),
  bizStep: vocab('bizStep'),
  disposition: vocab('disposition'),
  persistentDisposition,
  readPoint: (element, reader) => ['readPoint', reader.object(element, LOCATION_FIELDS)],
  bizLocation: (element, reader) => ['bizLocation', reader.object(element, LOCATION_FIELDS)],
  bizTransactionList: typedList('bizTransaction', 'bizTransactionType'),
  sourceList: typedList('source', 'sourceDestinationType'),
  destinationList: typedList('destination', 'sourceDestinationType'),
  sensorElementList,
  ilmd,
};

/**
 * An EPCIS XML document (epcis:EPCISDocument, 1.x or 2.0 namespace) as the EPCIS 2.0 JSON-LD document
 * the JSON binding would have sent; epcis.xml_invalid (400) when it is not one.
 */
export function epcisXmlToJsonLd(xml: string): JsonObject {
  return new XmlToJsonLd().document(parseXmlSafely(xml));
}
