// Meta-information lines (VCF 4.2 §1.4): `##key=value`, with structured values for INFO, FORMAT, FILTER,
// ALT, contig, SAMPLE and PEDIGREE, and URLs for assembly and pedigreeDB.
import { RESERVED_FORMAT, RESERVED_INFO, type FieldShape } from './reserved.ts';
import { parseStructured, type StructuredField } from './structured.ts';
import { parseNumber, parseType, type VcfNumber, type VcfType } from './values.ts';

export interface FieldDefinition {
  readonly number: VcfNumber;
  readonly type: VcfType;
}

export interface VcfHeaderMeta {
  readonly info: Map<string, FieldDefinition>;
  readonly format: Map<string, FieldDefinition>;
}

/** INFO and FORMAT keys (§1.4.2); 1000G is the one reserved key that starts with a digit. */
export const FIELD_ID = /^([A-Za-z_][0-9A-Za-z_.]*|1000G)$/;
/** Contig names (§1.4.7, §1.6.1 CHROM): no whitespace, comma, colon or angle bracket. */
export const CONTIG_ID = /^[^\s,:<>]+$/;
/** Structural-variant ALT ids (§1.4.5): a top-level type, then colon-separated subtypes. */
const ALT_ID = /^(DEL|INS|DUP|INV|CNV)(:[^\s,:<>]+)*$/;
const GENOME_ID = /^[A-Za-z0-9_.-]+$/;
const DEFINITION_ORDER = ['ID', 'Number', 'Type', 'Description'];

export function emptyMeta(): VcfHeaderMeta {
  return { info: new Map(), format: new Map() };
}

/** Checks one `##` line (without the leading `##`), recording definitions in `meta`; a reason or undefined. */
export function checkMetaLine(body: string, meta: VcfHeaderMeta): string | undefined {
  const eq = body.indexOf('=');
  if (eq <= 0) return 'meta-information line is not a key=value pair';
  const key = body.slice(0, eq);
  const value = body.slice(eq + 1);
  if (!/^[A-Za-z0-9_.-]+$/.test(key)) return `meta-information key "${key}" is not valid`;
  if (value.length === 0) return `meta-information ${key} has an empty value`;
  switch (key) {
    case 'fileformat':
      return 'fileformat must be the first line';
    case 'INFO':
    case 'FORMAT':
      return checkDefinition(key, value, meta);
    case 'ALT':
      return checkAlt(value);
    case 'FILTER':
      return withFields(value, (fields) => (fields[0]?.key === 'ID' ? undefined : 'FILTER without ID'));
    case 'contig':
      return checkContig(value);
    case 'SAMPLE':
      return checkSample(value);
    case 'PEDIGREE':
      return withFields(value, (fields) =>
        fields.every((f) => !f.quoted && GENOME_ID.test(f.value))
          ? undefined
          : 'PEDIGREE genome id is not valid',
      );
    case 'assembly':
    case 'pedigreeDB':
      return isUrl(value) ? undefined : `${key} is not a valid URL`;
    default:
      return undefined;
  }
}

function withFields(
  value: string,
  check: (fields: StructuredField[]) => string | undefined,
): string | undefined {
  const fields = parseStructured(value);
  return typeof fields === 'string' ? fields : check(fields);
}

/** ID, Number, Type and Description come first and in that order (§1.4.2); extra keys may follow. */
function checkOrder(kind: string, fields: StructuredField[]): string | undefined {
  const known = fields.filter((f) => DEFINITION_ORDER.includes(f.key)).map((f) => f.key);
  const ordered = DEFINITION_ORDER.filter((k) => known.includes(k));
  if (fields[0]?.key !== 'ID' || known.join() !== ordered.join()) return `${kind} fields are out of order`;
  const description = fields.find((f) => f.key === 'Description');
  if (description !== undefined && !description.quoted) return `${kind} Description is not quoted`;
  return undefined;
}

function checkDefinition(kind: 'INFO' | 'FORMAT', value: string, meta: VcfHeaderMeta): string | undefined {
  return withFields(value, (fields) => {
    const orderError = checkOrder(kind, fields);
    if (orderError !== undefined) return orderError;
    const get = (key: string) => fields.find((f) => f.key === key)?.value;
    const id = get('ID') ?? '';
    const number = parseNumber(get('Number') ?? '');
    const type = parseType(get('Type') ?? '');
    if (!FIELD_ID.test(id)) return `${kind} ID "${id}" is not valid`;
    if (number === undefined) return `${kind} ${id} Number is not valid`;
    if (type === undefined || (kind === 'FORMAT' && type === 'Flag'))
      return `${kind} ${id} Type is not valid`;
    if (get('Description') === undefined) return `${kind} ${id} has no Description`;
    const reserved = (kind === 'INFO' ? RESERVED_INFO : RESERVED_FORMAT).get(id);
    const mismatch = reserved === undefined ? undefined : reservedMismatch(reserved, number, type);
    if (mismatch !== undefined) return `${kind} ${id} is reserved with ${mismatch}`;
    (kind === 'INFO' ? meta.info : meta.format).set(id, { number, type });
    return undefined;
  });
}

function reservedMismatch(reserved: FieldShape, number: VcfNumber, type: VcfType): string | undefined {
  if (reserved.number !== number) return `Number=${reserved.number}`;
  if (reserved.type !== undefined && reserved.type !== type) return `Type=${reserved.type}`;
  if (reserved.type === undefined && type !== 'Integer' && type !== 'Float') return 'a numeric Type';
  return undefined;
}

function checkAlt(value: string): string | undefined {
  return withFields(value, (fields) => {
    const orderError = checkOrder('ALT', fields);
    if (orderError !== undefined) return orderError;
    const id = fields[0]!.value;
    if (!ALT_ID.test(id)) return `ALT ID "${id}" is not a structural-variant type`;
    const number = fields.find((f) => f.key === 'Number');
    if (number !== undefined && parseNumber(number.value) === undefined) return 'ALT Number is not valid';
    const type = fields.find((f) => f.key === 'Type');
    if (type !== undefined && parseType(type.value) === undefined) return 'ALT Type is not valid';
    return undefined;
  });
}

function checkContig(value: string): string | undefined {
  return withFields(value, (fields) => {
    const id = fields.find((f) => f.key === 'ID');
    if (id === undefined) return 'contig without ID';
    return CONTIG_ID.test(id.value) ? undefined : `contig ID "${id.value}" is not valid`;
  });
}

/** §1.4.8: ID and Genomes are required; only Description may be quoted. */
function checkSample(value: string): string | undefined {
  return withFields(value, (fields) => {
    if (fields[0]?.key !== 'ID') return 'SAMPLE without ID';
    if (!fields.some((f) => f.key === 'Genomes')) return 'SAMPLE without Genomes';
    const quoted = fields.find((f) => f.quoted && f.key !== 'Description');
    return quoted === undefined ? undefined : `SAMPLE ${quoted.key} must not be quoted`;
  });
}

const URL_SHAPE = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]+@)?([^:/?#\s]+)(?::(\d+))?([/?#]\S*)?$/i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** RFC 3986 authority: a dotted IPv4 address or a host name that is not all digits. */
export function isUrl(text: string): boolean {
  const match = URL_SHAPE.exec(text);
  if (match === null) return false;
  const host = match[1]!;
  if (IPV4.test(host)) return host.split('.').every((part) => Number(part) <= 255);
  return HOST_NAME.test(host) && !/^[\d.]+$/.test(host);
}
