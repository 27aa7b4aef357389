// The parsed form of a GS1 key, shared by the EPC URN and Digital Link parsers (keys.ts, epc-urn.ts).
export type Gs1Key =
  | { kind: 'sgtin'; gtin: string; serial: string }
  | { kind: 'lgtin'; gtin: string; lot: string }
  | { kind: 'gtin'; gtin: string }
  | { kind: 'sscc'; sscc: string }
  | { kind: 'sgln'; gln: string; extension: string | null }
  | { kind: 'pgln'; gln: string };
