// REF and ALT alleles (VCF 4.2 §1.6.1 items 4–5, §5.4 breakends, §5.6 single breakends).
const BASES = /^[ACGTNacgtn]+$/;
const SYMBOLIC = /^<[^\s<>,]+>$/;
const MATE = '[^\\s\\[\\]<>,]+:\\d+';
const BREAKEND = new RegExp(
  `^([ACGTNacgtn]+\\[${MATE}\\[|[ACGTNacgtn]+\\]${MATE}\\]|\\[${MATE}\\[[ACGTNacgtn]+|\\]${MATE}\\][ACGTNacgtn]+)$`,
);
const SINGLE_BREAKEND = /^(\.[ACGTNacgtn]+|[ACGTNacgtn]+\.)$/;

export function isRef(text: string): boolean {
  return BASES.test(text);
}

export function checkAlt(text: string): string | undefined {
  if (text === '.') return undefined;
  for (const allele of text.split(',')) {
    if (allele === '') return 'ALT has an empty allele';
    if (/\s/.test(allele)) return 'ALT contains whitespace';
    if (!isAltAllele(allele)) return `ALT allele "${allele}" is not valid`;
  }
  return undefined;
}

function isAltAllele(allele: string): boolean {
  return (
    allele === '*' ||
    BASES.test(allele) ||
    SYMBOLIC.test(allele) ||
    BREAKEND.test(allele) ||
    SINGLE_BREAKEND.test(allele)
  );
}

/** Whether an ALT allele spells sequence (so two records can describe the same change). */
export function isSequenceAllele(allele: string): boolean {
  return BASES.test(allele);
}

/**
 * The allele's shortest form (VCF 4.2 §1.6.1 item 2's padding base removed as far as it can be): common
 * trailing then leading bases are trimmed, keeping at least one base on each side. Two records describe
 * the same variant exactly when their trimmed forms are equal.
 */
export function trimAlleles(
  pos: number,
  ref: string,
  alt: string,
): { pos: number; ref: string; alt: string } {
  let r = ref.toUpperCase();
  let a = alt.toUpperCase();
  while (r.length > 1 && a.length > 1 && r.at(-1) === a.at(-1)) {
    r = r.slice(0, -1);
    a = a.slice(0, -1);
  }
  let start = pos;
  while (r.length > 1 && a.length > 1 && r[0] === a[0]) {
    r = r.slice(1);
    a = a.slice(1);
    start += 1;
  }
  return { pos: start, ref: r, alt: a };
}
