// The structured meta-information value of VCF 4.2 §1.4: `<key=value,key="quoted \" value",...>`.
// Unquoted values cannot hold a comma, quote, angle bracket or whitespace; quoted ones escape `"` and `\`.

export interface StructuredField {
  readonly key: string;
  readonly value: string;
  readonly quoted: boolean;
}

const FIELD = /^([A-Za-z0-9_.-]+)=(?:"((?:[^"\\]|\\.)*)"|([^,"<>\s]*))(,|$)/;

/** The fields in order, or a reason the text is not a well-formed structured value. */
export function parseStructured(value: string): StructuredField[] | string {
  if (!value.startsWith('<') || !value.endsWith('>')) return 'structured value is not enclosed in < >';
  let rest = value.slice(1, -1);
  const fields: StructuredField[] = [];
  while (rest.length > 0) {
    const match = FIELD.exec(rest);
    if (match === null) return `malformed field near "${rest.slice(0, 20)}"`;
    const quoted = match[2] !== undefined;
    fields.push({ key: match[1]!, value: quoted ? match[2]! : match[3]!, quoted });
    rest = rest.slice(match[0].length);
    if (match[4] === ',' && rest.length === 0) return 'structured value ends with a comma';
  }
  return fields;
}
