// The EPCIS 2.0 XML binding written from the JSON-LD form: GET /epcis/events answers an
// epcisq:EPCISQueryDocument when the client asks for XML. The inverse of ./xml.ts, by the same
// correspondence: standard fields become unqualified elements in the order of EPCglobal-epcis-2_0.xsd,
// CBV bare words their URNs (GS1 Web Vocabulary terms "gs1:Term"), user extension keys "prefix:local"
// elements with the namespace the document's @context gives the prefix (cbvmda: urn:epcglobal:cbv:mda).
// A key that cannot be an XML name (JSON allows any) is written as a comment rather than lost silently.
import { namespacesFrom } from '../../app/supply/event-hash/context.ts';
import { CBV_URN_PREFIXES, GS1_VOC_BASE, VOCABULARY_BY_FIELD } from '../../app/supply/event-hash/vocab.ts';

type Json = unknown;
type JsonObject = Readonly<Record<string, Json>>;
type VocabularyField = keyof typeof VOCABULARY_BY_FIELD;

export const EPCIS_QUERY_XML_NAMESPACE = 'urn:epcglobal:epcis-query:xsd:2';
/** The root's prefix, kept from any extension's use. */
const ROOT_PREFIX = 'epcisq';
/** The XML namespace of a JSON-LD prefix where the XML binding has its own (ILMD master data). */
const XML_NAMESPACE_OF_PREFIX: Readonly<Record<string, string>> = { cbvmda: 'urn:epcglobal:cbv:mda' };

const isObject = (value: Json): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: Json): readonly Json[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const NCNAME = /^[A-Za-z_][\w.-]*$/;

/** Text as XML character data: markup escaped, characters XML 1.0 cannot carry replaced. */
export function xmlText(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uFFFD]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function scalar(value: Json): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** The XML binding's spelling of a vocabulary value: CBV terms as 1.x URNs, GS1 terms as "gs1:Term". */
export function expandedTerm(field: VocabularyField, value: string): string {
  const { base, terms } = VOCABULARY_BY_FIELD[field];
  if (!terms.has(value)) return value;
  if (base === GS1_VOC_BASE) return `gs1:${value}`;
  const urn = CBV_URN_PREFIXES.find(([, uri]) => uri === base)?.[0];
  return urn === undefined ? base + value : urn + value;
}

const element = (name: string, body: string, attributes = ''): string =>
  body === '' ? `<${name}${attributes}/>` : `<${name}${attributes}>${body}</${name}>`;

/** Writes one document's events; remembers the extension prefixes it used, for the root's xmlns. */
class JsonLdToXml {
  readonly used = new Map<string, string>();
  private readonly namespaces: ReadonlyMap<string, string>;

  /** The prefixes the document's own @context declares (they win over the binding's defaults). */
  private readonly declared: ReadonlyMap<string, string>;

  constructor(context: Json) {
    this.namespaces = namespacesFrom(context);
    const builtIn = namespacesFrom(undefined);
    this.declared = new Map([...this.namespaces].filter(([prefix, iri]) => builtIn.get(prefix) !== iri));
  }

  /**
   * The prefixes to declare on the root: those the elements use, and every one the document's @context
   * declared, so that a compact IRI value ("example:Abc") still means what it meant.
   */
  prefixes(): Map<string, string> {
    const all = new Map(this.used);
    for (const [prefix, iri] of this.declared) {
      if (NCNAME.test(prefix) && !/^xml/i.test(prefix) && prefix !== ROOT_PREFIX) all.set(prefix, iri);
    }
    return all;
  }

  /** A JSON key as an element name, declaring its prefix; undefined when XML cannot name it. */
  private name(key: string, qualified: boolean): string | undefined {
    const colon = key.indexOf(':');
    if (colon < 0) return !qualified && NCNAME.test(key) ? key : undefined;
    const prefix = key.slice(0, colon);
    const local = key.slice(colon + 1);
    if (!NCNAME.test(prefix) || !NCNAME.test(local) || /^xml/i.test(prefix) || prefix === ROOT_PREFIX) {
      return undefined;
    }
    // A prefix the context does not declare is, in JSON-LD, an absolute IRI's scheme: "foo:bar".
    const namespace =
      this.declared.get(prefix) ??
      XML_NAMESPACE_OF_PREFIX[prefix] ??
      this.namespaces.get(prefix) ??
      `${prefix}:`;
    this.used.set(prefix, namespace);
    return key;
  }

  /** A user extension member: repeated elements for an array, children for an object, else text. */
  extension(key: string, value: Json, qualified = true): string {
    if (Array.isArray(value)) return value.map((item) => this.extension(key, item, qualified)).join('');
    const name = this.name(key, qualified);
    if (name === undefined)
      return `<!-- ${xmlText(key).replace(/--/g, '- -').slice(0, 64)}: not an XML name -->`;
    if (!isObject(value)) return element(name, xmlText(scalar(value)));
    const text = value['#text'] === undefined ? '' : xmlText(scalar(value['#text']));
    const children = Object.entries(value)
      .filter(([k]) => k !== '#text' && !k.startsWith('@'))
      .map(([k, v]) => this.extension(k, v, false))
      .join('');
    return element(name, text + children);
  }

  extensions(object: JsonObject, known: ReadonlySet<string>): string {
    return Object.entries(object)
      .filter(([key]) => !known.has(key) && !key.startsWith('@'))
      .map(([key, value]) => this.extension(key, value))
      .join('');
  }

  private text(name: string, value: Json, vocabulary?: VocabularyField): string {
    if (value === undefined || value === null) return '';
    const text = scalar(value);
    return element(name, xmlText(vocabulary === undefined ? text : expandedTerm(vocabulary, text)));
  }

  private list(name: string, item: string, value: Json, required = false): string {
    const items = asArray(value).map((v) => this.text(item, v));
    return items.length === 0 && !required ? '' : element(name, items.join(''));
  }

  private quantities(name: string, value: Json): string {
    const items = asArray(value)
      .filter(isObject)
      .map((q) =>
        element(
          'quantityElement',
          this.text('epcClass', q.epcClass) + this.text('quantity', q.quantity) + this.text('uom', q.uom),
        ),
      );
    return items.length === 0 ? '' : element(name, items.join(''));
  }

  private typed(name: string, item: string, field: VocabularyField, value: Json): string {
    const items = asArray(value)
      .filter(isObject)
      .map((entry) => {
        const type =
          typeof entry.type === 'string' ? ` type="${xmlText(expandedTerm(field, entry.type))}"` : '';
        return element(item, xmlText(scalar(entry[item])), type);
      });
    return items.length === 0 ? '' : element(name, items.join(''));
  }

  private location(name: string, value: Json): string {
    if (!isObject(value)) return '';
    return element(name, this.text('id', value.id) + this.extensions(value, new Set(['id'])));
  }

  private attributes(object: JsonObject, vocabulary: Readonly<Record<string, VocabularyField>>): string {
    return Object.entries(object)
      .filter(([key]) => !key.startsWith('@'))
      .map(([key, value]) => {
        const name = this.name(key, false);
        if (name === undefined) return '';
        const field = vocabulary[key];
        const text = scalar(value);
        return ` ${name}="${xmlText(field === undefined ? text : expandedTerm(field, text))}"`;
      })
      .join('');
  }

  private sensorElements(value: Json): string {
    const elements = asArray(value)
      .filter(isObject)
      .map((sensor) => {
        const metadata = isObject(sensor.sensorMetadata)
          ? element('sensorMetadata', '', this.attributes(sensor.sensorMetadata, {}))
          : '';
        const reports = asArray(sensor.sensorReport)
          .filter(isObject)
          .map((report) => element('sensorReport', '', this.attributes(report, SENSOR_VOCABULARY)))
          .join('');
        const known = new Set(['sensorMetadata', 'sensorReport']);
        return element('sensorElement', metadata + reports + this.extensions(sensor, known));
      });
    return elements.length === 0 ? '' : element('sensorElementList', elements.join(''));
  }

  private errorDeclaration(value: Json): string {
    if (!isObject(value)) return '';
    const known = new Set(['declarationTime', 'reason', 'correctiveEventIDs']);
    return element(
      'errorDeclaration',
      this.text('declarationTime', value.declarationTime) +
        this.text('reason', value.reason, 'errorReason') +
        this.list('correctiveEventIDs', 'correctiveEventID', value.correctiveEventIDs) +
        this.extensions(value, known),
    );
  }

  private persistentDisposition(value: Json): string {
    if (!isObject(value)) return '';
    const set = asArray(value.set).map((d) => this.text('set', d, 'disposition'));
    const unset = asArray(value.unset).map((d) => this.text('unset', d, 'disposition'));
    return element('persistentDisposition', [...set, ...unset].join(''));
  }

  /** The XML of one field of an event, by its JSON key. */
  private field(key: string, event: JsonObject): string {
    const value = event[key];
    switch (key) {
      case 'epcList':
        return this.list(
          key,
          'epc',
          value,
          event.type === 'ObjectEvent' || event.type === 'TransactionEvent',
        );
      case 'childEPCs':
        return this.list(key, 'epc', value, event.type === 'AggregationEvent');
      case 'inputEPCList':
      case 'outputEPCList':
        return this.list(key, 'epc', value);
      case 'quantityList':
      case 'childQuantityList':
      case 'inputQuantityList':
      case 'outputQuantityList':
        return this.quantities(key, value);
      case 'bizStep':
      case 'disposition':
        return this.text(key, value, key);
      case 'certificationInfo':
        return asArray(value)
          .map((v) => this.text(key, v))
          .join('');
      case 'errorDeclaration':
        return this.errorDeclaration(value);
      case 'persistentDisposition':
        return this.persistentDisposition(value);
      case 'readPoint':
      case 'bizLocation':
        return this.location(key, value);
      case 'bizTransactionList':
        return this.typed(key, 'bizTransaction', 'bizTransactionType', value);
      case 'sourceList':
        return this.typed(key, 'source', 'sourceDestinationType', value);
      case 'destinationList':
        return this.typed(key, 'destination', 'sourceDestinationType', value);
      case 'sensorElementList':
        return this.sensorElements(value);
      case 'ilmd':
        return isObject(value) ? element('ilmd', this.extensions(value, new Set())) : '';
      default:
        return this.text(key, value);
    }
  }

  event(event: JsonObject): string {
    const type = typeof event.type === 'string' ? event.type : '';
    const order = FIELD_ORDER[type];
    if (order === undefined) return `<!-- an event of type ${xmlText(type).slice(0, 64)} has no XML form -->`;
    const body = [...BASE_FIELDS, ...order].map((key) => this.field(key, event)).join('');
    const known = new Set(['type', ...BASE_FIELDS, ...order, ...ALL_STANDARD_FIELDS]);
    return element(type, body + this.extensions(event, known));
  }
}

const SENSOR_VOCABULARY: Readonly<Record<string, VocabularyField>> = {
  type: 'measurementType',
  exception: 'sensorAlertType',
  component: 'component',
};

const BASE_FIELDS = [
  'eventTime',
  'recordTime',
  'eventTimeZoneOffset',
  'eventID',
  'errorDeclaration',
  'certificationInfo',
];
const WHAT_AFTER_ACTION = ['bizStep', 'disposition', 'readPoint', 'bizLocation'];
const WHERE_AND_WHY = ['sourceList', 'destinationList', 'sensorElementList', 'persistentDisposition'];
/** Each event type's own fields in the order of the EPCIS 2.0 XSD. */
const FIELD_ORDER: Readonly<Record<string, readonly string[]>> = {
  ObjectEvent: ['epcList', 'action', ...WHAT_AFTER_ACTION, 'bizTransactionList', 'quantityList', ...WHERE_AND_WHY, 'ilmd'],
  AggregationEvent: ['parentID', 'childEPCs', 'action', ...WHAT_AFTER_ACTION, 'bizTransactionList', 'childQuantityList', ...WHERE_AND_WHY],
  TransactionEvent: ['bizTransactionList', 'parentID', 'epcList', 'action', ...WHAT_AFTER_ACTION, 'quantityList', ...WHERE_AND_WHY],
  TransformationEvent: ['inputEPCList', 'inputQuantityList', 'outputEPCList', 'outputQuantityList', 'transformationID', ...WHAT_AFTER_ACTION, 'bizTransactionList', ...WHERE_AND_WHY, 'ilmd'],
  AssociationEvent: ['parentID', 'childEPCs', 'childQuantityList', 'action', ...WHAT_AFTER_ACTION, 'bizTransactionList', ...WHERE_AND_WHY],
}; // prettier-ignore
const ALL_STANDARD_FIELDS = new Set(Object.values(FIELD_ORDER).flat());

/** The epcisq:EPCISQueryDocument of a JSON-LD EPCISQueryDocument (the GET /epcis/events answer). */
export function epcisQueryDocumentXml(document: JsonObject, events: readonly Json[]): string {
  const writer = new JsonLdToXml(document['@context']);
  const eventList = events
    .filter(isObject)
    .map((e) => writer.event(e))
    .join('');
  const declarations = [...writer.prefixes()]
    .map(([prefix, ns]) => ` xmlns:${prefix}="${xmlText(ns)}"`)
    .join('');
  const creationDate =
    typeof document.creationDate === 'string' ? ` creationDate="${xmlText(document.creationDate)}"` : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${ROOT_PREFIX}:EPCISQueryDocument xmlns:${ROOT_PREFIX}="${EPCIS_QUERY_XML_NAMESPACE}"${declarations} schemaVersion="2.0"${creationDate}>` +
    `<EPCISBody><${ROOT_PREFIX}:QueryResults><queryName>SimpleEventQuery</queryName>` +
    `<resultsBody><EventList>${eventList}</EventList></resultsBody>` +
    `</${ROOT_PREFIX}:QueryResults></EPCISBody></${ROOT_PREFIX}:EPCISQueryDocument>\n`
  );
}

/**
 * Whether an Accept header asks for XML before JSON: the media type of highest q among the ones
 * GET /epcis/events answers (JSON-LD, JSON, XML); JSON-LD when none is named, on a tie, for a wildcard.
 */
export function prefersXml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  let best: { xml: boolean; q: number } = { xml: false, q: 0 };
  for (const part of accept.split(',').slice(0, 32)) {
    const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q) || q <= 0) continue;
    const xml = type === 'application/xml' || type === 'text/xml';
    const json = ['application/ld+json', 'application/json', '*/*', 'application/*'].includes(type);
    if ((xml || json) && q > best.q) best = { xml, q };
  }
  return best.xml;
}
