// The C2SP routes' schemas (issue 15): the checkpoint, the witness keys and policy, tlog-witness
// add-checkpoint and tlog-proof files are text formats (c2sp.org), described here for the OpenAPI
// document; the keys listing and fork reports are JSON.
import { Type, type Static } from '@sinclair/typebox';
import { hex32 } from './ledger.ts';

/** A text/plain answer (a signed note, a policy, a proof file, a cosignature line). */
export const c2spTextResponse = (description: string) => ({
  description,
  content: { 'text/plain': { schema: Type.String() } },
});

/** tlog-witness's 409: the witness's last cosigned size, as text/x.tlog.size. */
export const tlogSizeResponse = {
  description: 'the size of the last checkpoint this witness cosigned (text/x.tlog.size)',
  content: { 'text/x.tlog.size': { schema: Type.String() } },
};

const vkey = Type.String({ description: 'a signed-note verifier key: name+keyid+base64(type || key)' });

/** GET /api/v1/witness/keys. */
export const witnessKeysSchema = Type.Object({
  origin: Type.String(),
  node: Type.Union([Type.Object({ log: vkey, witness: vkey }), Type.Null()]),
  members: Type.Array(
    Type.Object({
      orgId: Type.String(),
      policyName: Type.String(),
      nodeKey: hex32,
      power: Type.Integer({ minimum: 0 }),
      log: vkey,
      witness: vkey,
    }),
  ),
});
export type WitnessKeysBody = Static<typeof witnessKeysSchema>;

/** POST /api/v1/witness/evidence: a checkpoint a witness refused, as evidence of a fork. */
export const forkReportSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('same-size-other-root'), Type.Literal('inconsistent')]),
    checkpoint: Type.String({ maxLength: 8192 }),
  },
  { additionalProperties: false },
);
export const forkReportAnswerSchema = Type.Object({ txHash: hex32 });

export const tlogProofParams = Type.Object({ txHash: hex32 });

/** GET /api/v1/witness/evidence: fork evidence committed on chain (app/consensus/fork-evidence.ts). */
export const forkEvidenceListSchema = Type.Object({
  evidence: Type.Array(
    Type.Object({
      kind: Type.String(),
      origin: Type.String(),
      size: Type.Integer(),
      rootHash: Type.String(),
      signedBy: Type.Array(hex32),
      reportedBy: hex32,
      committedAt: Type.Integer(),
      txHash: hex32,
      checkpoint: Type.String(),
    }),
  ),
});
export type ForkEvidenceList = Static<typeof forkEvidenceListSchema>;
