// The C2SP transparency-log formats carechain speaks (issue 15): signed notes, checkpoints, witness
// cosignatures, witness policies and portable proofs. Pure: the same code in the node, the CLI, the
// standalone witness and the browser verifier.
export * from './base64.ts';
export * from './note.ts';
export * from './checkpoint.ts';
export * from './cosignature.ts';
export * from './policy.ts';
export * from './proof.ts';
export * from './witness.ts';
