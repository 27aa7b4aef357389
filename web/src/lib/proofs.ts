// Portable proofs for the patient (issue 15): any tx as a c2sp.org/tlog-proof@v1 file from
// GET /api/v1/proofs/tlog-proof/:txHash, saved as a download; the verifier page (/explorer/verify)
// checks such a file, as `carechain proof verify` does. Access events and erasure receipts name their
// tx; a consent is found as the tx of its signer, at its height, that names it.
import type { ConsentRecord } from '../../../src/app/consent/types.ts';
import type { BlockAnswer, StoredTxAnswer } from '../../../src/contract/ledger.ts';
import { downloadText } from './download.ts';
import { request, requestText } from './http.ts';

export const PROOF_FILE_SUFFIX = '.tlog-proof';

export async function downloadProof(txHash: string): Promise<void> {
  const text = await requestText(`/api/v1/proofs/tlog-proof/${txHash}`);
  downloadText(`carechain-${txHash.slice(0, 12)}${PROOF_FILE_SUFFIX}`, text);
}

/**
 * The tx that granted (or revoked) `consent`: an approved request's grant is the approval's own tx (its
 * hash is the consent id); otherwise the one tx of the consent's signer, in its block, that names it.
 */
export async function consentTxHash(consent: ConsentRecord, change: 'grant' | 'revoke'): Promise<string> {
  if (change === 'grant' && consent.requestId !== null) return consent.consentId;
  const height = change === 'grant' ? consent.height : consent.revokedAtHeight;
  const signer = change === 'grant' ? consent.grantedBy : consent.revokedBy;
  const block = await request<BlockAnswer>(`/api/v1/blocks/${height}`);
  const txs = await Promise.all(block.txHashes.map((hash) => request<StoredTxAnswer>(`/api/v1/txs/${hash}`)));
  const found = txs.find(
    ({ tx }) =>
      tx.signer === signer &&
      tx.type === `consent.${change}` &&
      (tx.payload as { consentId?: unknown }).consentId === consent.consentId,
  );
  if (found === undefined) throw new Error('the ledger has no such consent change in its block');
  return found.hash;
}
