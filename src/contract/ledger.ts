// The ledger, proof, event and metrics routes' JSON Schemas (TypeBox) and their TypeScript types, shared by the API that
// validates and serialises with them, the OpenAPI document generated from them, and the clients. A
// response schema is also a whitelist: Fastify serialises only the properties named here, so nothing
// unlisted can leak into an answer.
import { Type, type Static } from '@sinclair/typebox';
import type { BlockHeader } from '../core/block.ts';
import type { Checkpoint, InclusionProofAnswer } from '../core/checkpoint.ts';
import type { Genesis } from '../core/genesis.ts';
import type { Validator } from '../core/validators.ts';
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
  /** Only in the block before a validator-set change (issue 15): the next set's hash. */
  nextValidatorSetHash: Type.Optional(hex32),
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

/** GET /api/v1/status: this node's view of the chain and its peers. */
export const statusSchema = Type.Object({
  chainId: Type.String(),
  nodeId: hex32,
  height: Type.Integer(),
  lastBlockHash: hex32,
  lastBlockTimeMs: Type.Integer(),
  validators: Type.Array(Type.Object({ publicKey: hex32, power: Type.Integer(), name: Type.String() })),
  logSize: Type.Integer(),
  logRoot: hex32,
  mempoolTxs: Type.Integer(),
  role: Type.Union([Type.Literal('validator'), Type.Literal('non-validator')]),
  consensus: Type.Object({ mode: Type.String(), height: Type.Integer(), round: Type.Integer() }),
  lastCommitSigners: Type.Array(hex32),
  peers: Type.Array(
    Type.Object({
      publicKey: hex32,
      /** Only when the node's own machine asks (api/operator.ts). */
      host: Type.Optional(Type.String()),
      port: Type.Optional(Type.Integer()),
      connected: Type.Boolean(),
      height: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
});
export type NodeStatus = Static<typeof statusSchema>;

/**
 * GET /api/v1/genesis: the genesis document and its hash. The per-module app state is opaque to this
 * route, so the document passes whole (it is public, like every genesis).
 */
export const genesisAnswerSchema = Type.Object({
  hash: hex32,
  genesis: Type.Unsafe<Genesis>(Type.Object({}, { additionalProperties: true })),
});
export type GenesisAnswer = Static<typeof genesisAnswerSchema>;

export const publicKeyParams = Type.Object({ publicKey: hex32 });
/** GET /api/v1/accounts/:publicKey: the last nonce the key used (0 for none). */
export const accountSchema = Type.Object({ publicKey: hex32, nonce: Type.Integer() });
export type AccountAnswer = Static<typeof accountSchema>;

/** GET /api/v1/evidence: committed misbehaviour evidence. */
export const evidenceListSchema = Type.Object({
  evidence: Type.Array(
    Type.Object({
      id: hex32,
      kind: Type.String(),
      offender: hex32,
      height: Type.Integer(),
      reportedBy: hex32,
      committedAt: Type.Integer(),
      txHash: hex32,
    }),
  ),
});
export type EvidenceList = Static<typeof evidenceListSchema>;

export const heightParams = Type.Object({ height: Type.Integer({ minimum: 1 }) });
/** GET /api/v1/blocks/:height. */
export const blockAnswerSchema = Type.Object({
  hash: hex32,
  header: headerSchema,
  txHashes: Type.Array(hex32),
  lastCommit: Type.Union([commitSchema, Type.Null()]),
  commit: Type.Optional(commitSchema),
});
export type BlockAnswer = Static<typeof blockAnswerSchema>;

export const txHashParams = Type.Object({ hash: hex32 });
/** GET /api/v1/txs/:hash: a committed tx and where it is. */
export const storedTxSchema = Type.Object({
  hash: hex32,
  height: Type.Integer(),
  position: Type.Integer(),
  logIndex: Type.Integer(),
  tx: txSchema,
});
export type StoredTxAnswer = Static<typeof storedTxSchema>;

/** POST /api/v1/txs: a signed tx (core/tx.ts), checked by the node, not by this schema. */
export const submitTxQuery = Type.Object({
  wait: Type.Optional(Type.Union([Type.Literal('commit'), Type.Literal('none')])),
});
export const submitTxBody = Type.Object({}, { additionalProperties: true });
export const txCommittedSchema = Type.Object({
  hash: hex32,
  status: Type.Literal('committed'),
  height: Type.Integer(),
  blockHash: hex32,
});
export const txPendingSchema = Type.Object({ hash: hex32, status: Type.Literal('pending') });
export type TxPending = Static<typeof txPendingSchema>;
export type TxSubmitted = Static<typeof txCommittedSchema> | TxPending;
/** A committed tx as its submitter keeps it: its hash and the height that committed it. */
export type CommittedTx = Pick<Static<typeof txCommittedSchema>, 'hash' | 'height'>;

/** GET /api/v1/proofs/inclusion/:txHash?height=: an RFC 9162 inclusion proof against a checkpoint. */
export const inclusionParams = Type.Object({ txHash: hex32 });
export const inclusionQuery = Type.Object({ height: Type.Optional(Type.Integer({ minimum: 1 })) });
export const inclusionProofSchema = Type.Object({
  txHash: hex32,
  leafIndex: Type.Integer(),
  treeSize: Type.Integer(),
  leafHash: hex32,
  auditPath: Type.Array(hex32),
  checkpoint: checkpointSchema,
});
export type InclusionProofBody = Static<typeof inclusionProofSchema>;

/** GET /api/v1/proofs/consistency?from=&to=: that the log at `to` extends the log at `from`. */
export const consistencyQuery = Type.Object({
  from: Type.Integer({ minimum: 1 }),
  to: Type.Integer({ minimum: 1 }),
});
export const consistencyProofSchema = Type.Object({
  fromSize: Type.Integer(),
  toSize: Type.Integer(),
  fromRoot: hex32,
  toRoot: hex32,
  proof: Type.Array(hex32),
});
export type ConsistencyProofBody = Static<typeof consistencyProofSchema>;

/** GET /api/v1/events: Server-Sent Events (`hello`, then one `block` per committed block). */
export const eventStreamResponse = {
  description: 'Server-Sent Events: `hello` { chainId, height }, then one `block` per committed block',
  content: { 'text/event-stream': { schema: Type.String() } },
};
/** The data of one `block` event. */
export const blockEventSchema = Type.Object({ height: Type.Integer(), hash: hex32, txCount: Type.Integer() });
export type BlockEvent = Static<typeof blockEventSchema>;

/** GET /api/v1/openapi.json: this document, OpenAPI 3.1 (described by the OpenAPI specification itself). */
export const openApiDocumentSchema = Type.Object(
  { openapi: Type.String(), info: Type.Object({}, { additionalProperties: true }) },
  { additionalProperties: true },
);

/** GET /metrics: Prometheus text exposition, for the node's own machine only. */
export const metricsResponse = {
  description: 'Prometheus text exposition (version 0.0.4)',
  content: { 'text/plain': { schema: Type.String() } },
};

// The schemas describe core's own shapes: these fail to compile if the two drift apart (same fields; the
// header field for field).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type _ContractMatchesCore = [
  Holds<Same<HeaderBody, BlockHeader>>,
  Holds<Same<keyof CommitBody, keyof Commit>>,
  Holds<Same<keyof CommitBody['signatures'][number], keyof Commit['signatures'][number]>>,
  Holds<Same<keyof TxBody, keyof SignedTx>>,
  Holds<Same<keyof NodeStatus['validators'][number], keyof Validator>>,
  Holds<Same<keyof InclusionProofBody, keyof InclusionProofAnswer>>,
  Holds<Same<keyof CheckpointBody, keyof Checkpoint>>,
];
