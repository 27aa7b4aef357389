// The notary module: anchors the SHA-256 digest of an off-chain document, so anyone holding the
// document can later prove it existed, unchanged, at that block. Only the digest and a coarse kind are
// on chain, never content. It is also the demo load of `carechain up`.
import { isHex } from '../../core/bytes.ts';
import { TxError } from '../../core/tx.ts';
import type { AppModule, TxContext } from '../module.ts';
import type { PayloadObject } from '../payload.ts';
import { encodeStateValue } from '../state.ts';

export const ANCHOR_KINDS = ['document', 'dataset', 'model', 'protocol', 'other'] as const;
export type AnchorKind = (typeof ANCHOR_KINDS)[number];

export interface AnchorPayload {
  readonly digest: string;
  readonly kind: AnchorKind;
}

export interface AnchorRecord {
  readonly digest: string;
  readonly kind: AnchorKind;
  readonly signer: string;
  readonly height: number;
  readonly txHash: string;
}

export function anchorKey(digest: string): string {
  return `notary/anchor/${digest}`;
}

function parseAnchor(p: PayloadObject): AnchorPayload {
  if (!isHex(p.digest, 32)) throw new TxError('tx.invalid_payload', 'digest must be 32-byte lowercase hex');
  if (!ANCHOR_KINDS.includes(p.kind as AnchorKind)) {
    throw new TxError('tx.invalid_payload', `kind must be one of ${ANCHOR_KINDS.join(', ')}`);
  }
  return { digest: p.digest, kind: p.kind as AnchorKind };
}

function applyAnchor(ctx: TxContext, payload: PayloadObject): void {
  const anchor = parseAnchor(payload);
  const key = anchorKey(anchor.digest);
  if (ctx.state.get(key) !== undefined) {
    throw new TxError('tx.rejected', 'digest is already anchored', { reason: 'notary.duplicate_digest' });
  }
  const record: AnchorRecord = { ...anchor, signer: ctx.signer, height: ctx.height, txHash: ctx.txHash };
  ctx.state.set(key, encodeStateValue(record));
}

export const notaryModule: AppModule = {
  name: 'notary',
  handlers: [{ type: 'notary.anchor', fields: ['digest', 'kind'], apply: applyAnchor }],
};
