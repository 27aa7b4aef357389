// The pre-hash string of CBV 2.0 §8.9: the event type, then the event's fields in the canonical property
// order, each as key=value (a parent key alone, followed by its children), list items sorted, then the
// ILMD and user extension elements with their keys expanded to "{namespace}local" and sorted.
// eventID, recordTime, errorDeclaration and certificationInfo do not take part, nor do JSON-LD keywords
// and comments. Where the standard's text is silent, the choices of the reference implementation
// (RalphTro/epcis-event-hash-generator) are followed: booleans read "True"/"False" as Python prints them,
// the type of a source/destination/bizTransaction comes before its identifier, extensions of readPoint,
// bizLocation, sensorElement, sensorMetadata and sensorReport follow that element's own fields.
import { CoreError } from '../../../core/errors.ts';
import {
  asArray,
  depthWithin,
  EVENT_DEPTH_MAX,
  isObject,
  sortStrings,
  type Json,
  type JsonObject,
} from './json.ts';
import { normaliseTimestamp } from './timestamp.ts';
import { canonicalValue, scalarText, type Namespaces } from './values.ts';
import type { VocabularyField } from './vocab.ts';

/** Keys never hashed, at any level (rule 1 and §8.9 exclusions; comments are not event data). */
const IGNORED_KEYS = new Set([
  'eventID',
  'recordTime',
  'errorDeclaration',
  'rdfs:comment',
  'comment',
  '#text',
]);

class PrehashBuilder {
  constructor(private readonly namespaces: Namespaces) {}

  value(raw: Json, vocabulary?: VocabularyField): string {
    return canonicalValue(raw, this.namespaces, vocabulary);
  }

  /** "key=value", or "" for an absent or empty value (rule 4). */
  field(key: string, raw: Json, vocabulary?: VocabularyField): string {
    if (raw === undefined) return '';
    const text = this.value(raw, vocabulary);
    return text === '' ? '' : `${key}=${text}`;
  }

  /** Timestamps in UTC at millisecond precision (rules 8, 9). */
  time(key: string, raw: Json): string {
    if (raw === undefined) return '';
    const text = scalarText(raw).trim();
    if (text === '') return '';
    return `${key}=${normaliseTimestamp(text) ?? this.value(text)}`;
  }

  /** A list key followed by its sorted, non-empty items; nothing when no item remains (rule 11). */
  list(key: string, items: string[]): string {
    const kept = items.filter((item) => item !== '');
    return kept.length === 0 ? '' : key + sortStrings(kept).join('');
  }

  idList(key: string, raw: Json): string {
    return this.list(
      key,
      asArray(raw).map((id) => this.field('epc', id)),
    );
  }

  quantityList(key: string, raw: Json): string {
    return this.list(
      key,
      asArray(raw).map((element) => {
        if (!isObject(element)) return '';
        const body =
          this.field('epcClass', element.epcClass) +
          this.field('quantity', element.quantity) +
          this.field('uom', element.uom);
        return body === '' ? '' : `quantityElement${body}`;
      }),
    );
  }

  /** Source, destination and business transaction entries: the type before the identifier (rule 13). */
  typedList(key: string, idKey: string, vocabulary: VocabularyField, raw: Json): string {
    return this.list(
      key,
      asArray(raw).map((entry) => {
        if (!isObject(entry)) return '';
        return this.field('type', entry.type, vocabulary) + this.field(idKey, entry[idKey]);
      }),
    );
  }

  /** A standard element with an extension point: its fields in order, then its extensions (rule 21). */
  element(
    key: string,
    raw: Json,
    fields: ReadonlyArray<readonly [string, (name: string, value: Json) => string]>,
  ): string {
    if (!isObject(raw)) return raw === undefined ? '' : this.field(key, raw);
    const known = new Set(fields.map(([name]) => name));
    const body =
      fields.map(([name, render]) => render(name, raw[name])).join('') + this.extensions(raw, known);
    return body === '' ? '' : key + body;
  }

  /** User extension elements of an object: every key not in `known`, expanded and sorted (rules 19, 20). */
  extensions(object: JsonObject, known: ReadonlySet<string>): string {
    const entries: string[] = [];
    for (const [key, value] of Object.entries(object)) {
      if (known.has(key) || IGNORED_KEYS.has(key) || key.startsWith('@')) continue;
      entries.push(...this.generic(this.expandKey(key), value));
    }
    return sortStrings(entries).join('');
  }

  /** One entry per scalar or object; arrays give one entry per item, all under the same key. */
  generic(key: string, value: Json): string[] {
    if (Array.isArray(value)) return value.flatMap((item) => this.generic(key, item));
    if (isObject(value)) {
      const text = value['#text'] === undefined ? '' : this.value(value['#text']);
      return [key + (text === '' ? '' : `=${text}`) + this.extensions(value, new Set())];
    }
    const text = this.value(value);
    return [key + (text === '' ? '' : `=${text}`)];
  }

  /** "prefix:local" → "{namespace}local" for a prefix of the document's context. */
  expandKey(key: string): string {
    const colon = key.indexOf(':');
    if (colon <= 0) return key;
    const iri = this.namespaces.get(key.slice(0, colon));
    return iri === undefined ? key : `{${iri}}${key.slice(colon + 1)}`;
  }

  sensorElementList(raw: Json): string {
    const text = (name: string, value: Json): string => this.field(name, value);
    const time = (name: string, value: Json): string => this.time(name, value);
    const vocab =
      (vocabulary: VocabularyField) =>
      (name: string, value: Json): string =>
        this.field(name, value, vocabulary);
    const metadata = (name: string, value: Json): string =>
      this.element(name, value, [
        ['time', time],
        ['startTime', time],
        ['endTime', time],
        ['deviceID', text],
        ['deviceMetadata', text],
        ['rawData', text],
        ['dataProcessingMethod', text],
        ['bizRules', text],
      ]);
    const reports = (name: string, value: Json): string =>
      sortStrings(
        asArray(value).map((report) =>
          this.element(name, report, [
            ['type', vocab('measurementType')],
            ['exception', vocab('sensorAlertType')],
            ['deviceID', text],
            ['deviceMetadata', text],
            ['rawData', text],
            ['dataProcessingMethod', text],
            ['time', time],
            ['microorganism', text],
            ['chemicalSubstance', text],
            ['value', text],
            ['component', vocab('component')],
            ['stringValue', text],
            ['booleanValue', text],
            ['hexBinaryValue', text],
            ['uriValue', text],
            ['minValue', text],
            ['maxValue', text],
            ['meanValue', text],
            ['sDev', text],
            ['percRank', text],
            ['percValue', text],
            ['uom', text],
            ['coordinateReferenceSystem', text],
          ]),
        ),
      ).join('');
    const elements = asArray(raw).map((element) =>
      this.element('sensorElement', element, [
        ['sensorMetadata', metadata],
        ['sensorReport', reports],
      ]),
    );
    const body = sortStrings(elements.filter((e) => e !== '')).join('');
    return body === '' ? '' : `sensorElementList${body}`;
  }

  /** The canonical property order of CBV 2.0 §8.9 (sequence numbers 1 to 25). */
  event(e: JsonObject): string {
    const id = (name: string, value: Json): string => this.field(name, value);
    const ilmd = isObject(e.ilmd) ? this.extensions(e.ilmd, new Set()) : '';
    return [
      `eventType=${scalarText(e.type).trim()}`,
      this.time('eventTime', e.eventTime),
      this.field('eventTimeZoneOffset', e.eventTimeZoneOffset),
      this.idList('epcList', e.epcList),
      this.field('parentID', e.parentID),
      this.idList('inputEPCList', e.inputEPCList),
      this.idList('childEPCs', e.childEPCs),
      this.quantityList('quantityList', e.quantityList),
      this.quantityList('childQuantityList', e.childQuantityList),
      this.quantityList('inputQuantityList', e.inputQuantityList),
      this.idList('outputEPCList', e.outputEPCList),
      this.quantityList('outputQuantityList', e.outputQuantityList),
      this.field('action', e.action),
      this.field('transformationID', e.transformationID),
      this.field('bizStep', e.bizStep, 'bizStep'),
      this.field('disposition', e.disposition, 'disposition'),
      this.persistentDisposition(e.persistentDisposition),
      this.element('readPoint', e.readPoint, [['id', id]]),
      this.element('bizLocation', e.bizLocation, [['id', id]]),
      this.typedList('bizTransactionList', 'bizTransaction', 'bizTransactionType', e.bizTransactionList),
      this.typedList('sourceList', 'source', 'sourceDestinationType', e.sourceList),
      this.typedList('destinationList', 'destination', 'sourceDestinationType', e.destinationList),
      this.sensorElementList(e.sensorElementList),
      ilmd === '' ? '' : `ilmd${ilmd}`,
      this.extensions(e, STANDARD_EVENT_KEYS),
    ].join('');
  }

  persistentDisposition(raw: Json): string {
    if (!isObject(raw)) return '';
    const set = asArray(raw.set).map((d) => this.field('set', d, 'disposition'));
    const unset = asArray(raw.unset).map((d) => this.field('unset', d, 'disposition'));
    const body =
      sortStrings(set).join('') +
      sortStrings(unset).join('') +
      this.extensions(raw, new Set(['set', 'unset']));
    return body === '' ? '' : `persistentDisposition${body}`;
  }
}

/** Event keys with a place in the canonical order, or excluded: everything else is a user extension. */
const STANDARD_EVENT_KEYS: ReadonlySet<string> = new Set([
  'type',
  'eventTime',
  'eventTimeZoneOffset',
  'certificationInfo',
  'epcList',
  'parentID',
  'inputEPCList',
  'childEPCs',
  'quantityList',
  'childQuantityList',
  'inputQuantityList',
  'outputEPCList',
  'outputQuantityList',
  'action',
  'transformationID',
  'bizStep',
  'disposition',
  'persistentDisposition',
  'readPoint',
  'bizLocation',
  'bizTransactionList',
  'sourceList',
  'destinationList',
  'sensorElementList',
  'ilmd',
]);

export function buildPrehash(event: JsonObject, namespaces: Namespaces): string {
  if (!isObject(event) || typeof event.type !== 'string' || event.type.trim() === '') {
    throw new CoreError('epcis_hash.malformed_event', 'an EPCIS event must be an object with a "type"');
  }
  if (!depthWithin(event, EVENT_DEPTH_MAX)) {
    throw new CoreError(
      'epcis_hash.malformed_event',
      `EPCIS event nested deeper than ${EVENT_DEPTH_MAX} levels`,
    );
  }
  return new PrehashBuilder(namespaces).event(event);
}
