// Every bound of the ledger, named with its unit last (STYLE.md §5). Changing one is a protocol change:
// all validators must agree on them, so they live in core, not in node configuration.

/**
 * Largest canonical encoding of one signed tx. A FHIR resource never travels in a tx, only its
 * commitment; 64 KiB lets one tx register a whole FHIR transaction Bundle (a Synthea patient's ~70
 * resources take ~18 KiB) so that the Bundle commits all-or-nothing, and one access event list ~600 records.
 */
export const TX_BYTES_MAX = 64 * 1024;
/**
 * Largest tx of the types in LARGE_TX_TYPES. A FHIR transaction Bundle of a real patient holds
 * thousands of resources and must commit all or nothing (issue 13); its registrations (up to 323 bytes
 * each) go in ONE records.registerBatch tx of up to 10,000 of them, rather than in several txs under a
 * commit marker (docs/ARCHITECTURE.md, "Large FHIR transactions"). Only node keys sign these txs, and
 * a block (BLOCK_BYTES_MAX) still holds two of them.
 */
export const LARGE_TX_BYTES_MAX = 4 * 1024 * 1024;
/** The tx types allowed LARGE_TX_BYTES_MAX; every other type is bound by TX_BYTES_MAX. */
export const LARGE_TX_TYPES: ReadonlySet<string> = new Set(['records.registerBatch']);

/** The size bound of a tx of this type. */
export function txBytesMaxOf(type: string): number {
  return LARGE_TX_TYPES.has(type) ? LARGE_TX_BYTES_MAX : TX_BYTES_MAX;
}
/** Most txs in one block: bounds the work of validating a proposal. */
export const BLOCK_TXS_MAX = 10_000;
/** Largest sum of canonical tx bytes in one block. */
export const BLOCK_BYTES_MAX = 8 * 1024 * 1024;
/** Longest tx type string, e.g. "records.register". */
export const TX_TYPE_LENGTH_MAX = 64;
/** Longest chain id. */
export const CHAIN_ID_LENGTH_MAX = 64;
