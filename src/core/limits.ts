// Every bound of the ledger, named with its unit last (STYLE.md §5). Changing one is a protocol change:
// all validators must agree on them, so they live in core, not in node configuration.

/**
 * Largest canonical encoding of one signed tx. A FHIR resource never travels in a tx, only its
 * commitment; 64 KiB lets one tx register a whole FHIR transaction Bundle (a Synthea patient's ~70
 * resources take ~18 KiB) so that the Bundle commits all-or-nothing, and one access event list ~600 records.
 */
export const TX_BYTES_MAX = 64 * 1024;
/** Most txs in one block: bounds the work of validating a proposal. */
export const BLOCK_TXS_MAX = 10_000;
/** Largest sum of canonical tx bytes in one block. */
export const BLOCK_BYTES_MAX = 8 * 1024 * 1024;
/** Longest tx type string, e.g. "records.register". */
export const TX_TYPE_LENGTH_MAX = 64;
/** Longest chain id. */
export const CHAIN_ID_LENGTH_MAX = 64;
