// The ledger and proof routes' JSON Schemas (TypeBox) and their TypeScript types, shared by the API that
// validates and serialises with them, the OpenAPI document generated from them, and the clients. A
// response schema is also a whitelist: Fastify serialises only the properties named here, so nothing
// unlisted can leak into an answer.
import { Type, type Static } from '@sinclair/typebox';
import type { BlockHeader } from '../core/block.ts';
import type { SignedTx } from '../core/tx.ts';
import type { Commit } from '../core/vote.ts';

export const hex32 = Type.String({ pattern: '^[0-9a-f]{64}$' });
export const hex64 = Type.String({ pattern: '^[0-9a-f]{128}$' });

/** The domain API's one error body (api/errors.ts): { error: { code, message, details } }. */
export const errorSchema = Type.Object({
  error: Type.Object({
    /** A code of the error catalogue (core/errors/codes.ts). */
    code: Type.String(),
    message: Type.String(),
    details: Type.Record(
      Type.String(),
      Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
    ),
  }),
});
export type ErrorBody = Static<typeof errorSchema>;

export const commitSchema = Type.Object({
  height: Type.Integer(),
  round: Type.Integer(),
  blockHash: hex32,
  signatures: Type.Array(Type.Object({ validator: hex32, timeMs: Type.Integer(), signature: hex64 })),
});
export type CommitBody = Static<typeof commitSchema>;

export const headerSchema = Type.Object({
  chainId: Type.String(),
  height: Type.Integer(),
  timeMs: Type.Integer(),
  previousHash: hex32,
  lastCommitHash: hex32,
  txRoot: hex32,
  txCount: Type.Integer(),
  appHash: hex32,
  validatorSetHash: hex32,
  proposer: hex32,
  logSize: Type.Integer(),
  logRoot: hex32,
});
export type HeaderBody = Static<typeof headerSchema>;

export const txSchema = Type.Object({
  chainId: Type.String(),
  type: Type.String(),
  payload: Type.Unknown(),
  signer: hex32,
  nonce: Type.Integer(),
  signature: hex64,
});
export type TxBody = Static<typeof txSchema>;

export const checkpointSchema = Type.Object({
  chainId: Type.String(),
  height: Type.Integer(),
  logSize: Type.Integer(),
  logRoot: hex32,
  blockHash: hex32,
  header: headerSchema,
  commit: commitSchema,
});
export type CheckpointBody = Static<typeof checkpointSchema>;

// The schemas describe core's own shapes: these fail to compile if the two drift apart (same fields; the
// header field for field).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type _ContractMatchesCore = [
  Holds<Same<HeaderBody, BlockHeader>>,
  Holds<Same<keyof CommitBody, keyof Commit>>,
  Holds<Same<keyof CommitBody['signatures'][number], keyof Commit['signatures'][number]>>,
  Holds<Same<keyof TxBody, keyof SignedTx>>,
];
