// Value grammars of VCF 4.2 §1.2 and §1.4.2 (Integer, Float, Character, String, Flag) and the cardinality
// letters of §1.4.2 (A: one per ALT allele, R: one per allele including REF, G: one per genotype).
export type VcfType = 'Integer' | 'Float' | 'Flag' | 'Character' | 'String';
export type VcfNumber = number | 'A' | 'R' | 'G' | '.';

const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+(\.\d*)?([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|Inf|Infinity|NaN)$/;

export function isInteger(text: string): boolean {
  return INTEGER.test(text);
}

export function isFloat(text: string): boolean {
  return FLOAT.test(text);
}

/** Whether one comma-separated element of a typed value is well formed ('.' is the missing value). */
export function valueMatchesType(text: string, type: VcfType): boolean {
  if (text === '.') return true;
  switch (type) {
    case 'Integer':
      return isInteger(text);
    case 'Float':
      return isFloat(text);
    case 'Character':
      return text.length === 1;
    case 'String':
      return text.length > 0;
    case 'Flag':
      return false;
  }
}

/** How many values a field of this Number must carry, or undefined when any count is allowed. */
export function expectedCount(
  number: VcfNumber,
  altCount: number,
  ploidy: number | undefined,
): number | undefined {
  if (typeof number === 'number') return number;
  if (number === 'A') return altCount;
  if (number === 'R') return altCount + 1;
  if (number === 'G') return ploidy === undefined ? undefined : genotypeCount(ploidy, altCount + 1);
  return undefined;
}

/** Unordered genotypes of `ploidy` draws from `alleles` alleles: C(ploidy + alleles - 1, ploidy) (§1.6.2 GL). */
export function genotypeCount(ploidy: number, alleles: number): number {
  let count = 1;
  for (let i = 1; i <= ploidy; i += 1) count = (count * (alleles - 1 + i)) / i;
  return Math.round(count);
}

export function parseNumber(text: string): VcfNumber | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (text === 'A' || text === 'R' || text === 'G' || text === '.') return text;
  return undefined;
}

const TYPES: readonly VcfType[] = ['Integer', 'Float', 'Flag', 'Character', 'String'];

export function parseType(text: string): VcfType | undefined {
  return TYPES.find((type) => type === text);
}
