// Remote patient monitoring (issue 18), first slice: pure NEWS2 scoring, the per-period Merkle batch of a
// device's readings with per-reading proofs, and the 30-day billing fact with per-day proofs. Tx handlers
// are not registered yet (see docs/ARCHITECTURE.md for what is left).
export * from './news2.ts';
export * from './batch.ts';
export * from './billing.ts';
