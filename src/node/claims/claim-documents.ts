// Claim documents at rest (issue 17 §1, §6): the claim content a provider's node submitted and the
// ExplanationOfBenefit a payer's node wrote for it. Both are health data, so each is sealed as the vault
// seals a record version (vault/node-cipher.ts on core/crypto/envelope.ts's formats): AES-256-GCM under a
// fresh data key, the key wrapped for this node's key, the key commitment checked on every open. The
// AAD names the chain, the claim and the kind, so a ciphertext moved to another row does not open. The
// same sealing, with the key wrapped for the payer's node key, carries a claim's content from the
// provider's node to the payer's (services/claims/content-exchange.ts), as forwarded reads do. The
// 'claims' store (claims.sqlite, or the claims schema on PostgreSQL) is opened on every node, payer or
// not, so that a scan of a node's stores always covers it.
import { bytesEqual, fromHex, fromUtf8, isHex, toHex, utf8 } from '../../core/bytes.ts';
import { keyCommitment, type RecordRef } from '../../core/crypto/envelope.ts';
import { NodeError } from '../errors.ts';
import type { KeyPair } from '../keys.ts';
import { SchemaStore } from '../storage/ddl.ts';
import type { SqlPort, Storage } from '../storage/port.ts';
import { decryptRecord, encryptRecord, openEnvelope, sealEnvelope } from '../vault/node-cipher.ts';

/** 'content': what the provider submitted; 'eob': the payer's ExplanationOfBenefit. */
export type ClaimDocumentKind = 'content' | 'eob';

export interface ClaimDocument {
  readonly claimId: string;
  readonly kind: ClaimDocumentKind;
  readonly patientPseudonym: string;
  /** For an EOB, the adjudication digest it was written for (the chain's entry must carry it). */
  readonly digest: string;
  readonly createdAtMs: number;
  /** The JSON document; only in this process's memory, never in the file. */
  readonly document: unknown;
}

interface Row {
  claim_id: string;
  kind: string;
  patient_pseudonym: string;
  digest: string;
  created_at_ms: number;
  nonce: Uint8Array;
  key_commitment: Uint8Array;
  ciphertext: Uint8Array;
  envelope: Uint8Array;
}

const SCHEMA_SQL = `CREATE TABLE IF NOT EXISTS claim_documents (
  claim_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  patient_pseudonym TEXT NOT NULL,
  digest TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  nonce BLOB NOT NULL,
  key_commitment BLOB NOT NULL,
  ciphertext BLOB NOT NULL,
  envelope BLOB NOT NULL,
  PRIMARY KEY (claim_id, kind)
) STRICT;
CREATE INDEX IF NOT EXISTS claim_documents_by_patient ON claim_documents (patient_pseudonym, kind)`;

/** A document sealed for one node's key: what is stored, and what travels to a payer's node. */
export interface SealedDocument {
  readonly nonce: Uint8Array;
  readonly keyCommitment: Uint8Array;
  /** AES-256-GCM of the document's JSON, with its 16-byte tag. */
  readonly ciphertext: Uint8Array;
  /** The data key wrapped for the recipient node's key (envelope.ts format). */
  readonly envelope: Uint8Array;
}

/** The same, in lowercase hex, as it crosses the node-to-node channel. */
export type SealedDocumentHex = { readonly [K in keyof SealedDocument]: string };

/**
 * The reference the AAD binds: the chain, the claim and the kind. Not a FHIR type on purpose: a claim
 * document can never be opened as a record version of the records vault.
 */
function refOf(chainId: string, claimId: string, kind: ClaimDocumentKind): RecordRef {
  return { chainId, recordId: claimId, version: 1, resourceType: `ClaimDocument.${kind}` };
}

/** Seals a document under a fresh data key wrapped for `recipientPublicKey` (an Ed25519 node key). */
export function sealClaimDocument(
  chainId: string,
  claimId: string,
  kind: ClaimDocumentKind,
  document: unknown,
  recipientPublicKey: string,
): SealedDocument {
  const ref = refOf(chainId, claimId, kind);
  const sealed = encryptRecord(utf8(JSON.stringify(document)), ref);
  try {
    return {
      nonce: sealed.nonce,
      keyCommitment: sealed.keyCommitment,
      ciphertext: sealed.ciphertext,
      envelope: sealEnvelope(sealed.dataKey, fromHex(recipientPublicKey), ref),
    };
  } finally {
    // Best effort, as in the vault: JS gives no guarantee that no other copy exists in memory.
    sealed.dataKey.fill(0);
  }
}

/** Opens a document sealed for `recipient`; throws if it was moved, altered or sealed for another key. */
export function openClaimDocument(
  chainId: string,
  claimId: string,
  kind: ClaimDocumentKind,
  sealed: SealedDocument,
  recipient: KeyPair,
): unknown {
  const ref = refOf(chainId, claimId, kind);
  const dataKey = openEnvelope(sealed.envelope, recipient.seed, ref);
  try {
    if (!bytesEqual(keyCommitment(dataKey), sealed.keyCommitment)) {
      throw new NodeError('vault.corrupt', 'a claim document does not match its key commitment', { claimId });
    }
    return JSON.parse(fromUtf8(decryptRecord(dataKey, sealed.nonce, sealed.ciphertext, ref))) as unknown;
  } finally {
    dataKey.fill(0);
  }
}

export function sealedToHex(sealed: SealedDocument): SealedDocumentHex {
  const { nonce, keyCommitment: commitment, ciphertext, envelope } = sealed;
  return {
    nonce: toHex(nonce),
    keyCommitment: toHex(commitment),
    ciphertext: toHex(ciphertext),
    envelope: toHex(envelope),
  };
}

/** A peer's hex package as bytes, or undefined if any part is not hex. */
export function sealedFromHex(value: unknown): SealedDocument | undefined {
  const v = value as Partial<Record<keyof SealedDocument, unknown>> | null;
  if (typeof v !== 'object' || v === null) return undefined;
  const parts = [v.nonce, v.keyCommitment, v.ciphertext, v.envelope];
  if (!parts.every((part) => isHex(part))) return undefined;
  const [nonce, commitment, ciphertext, envelope] = parts.map(fromHex);
  return { nonce: nonce!, keyCommitment: commitment!, ciphertext: ciphertext!, envelope: envelope! };
}

/** Most documents one listing answers: a patient's EOBs over years, far below a message's size. */
export const CLAIM_DOCUMENTS_LISTED_MAX = 500;

export class ClaimDocumentStore extends SchemaStore {
  private readonly chainId: string;
  private readonly key: KeyPair;

  constructor(port: SqlPort, chainId: string, key: KeyPair) {
    super(port, SCHEMA_SQL);
    this.chainId = chainId;
    this.key = key;
  }

  static open(storage: Storage, chainId: string, key: KeyPair): ClaimDocumentStore {
    return new ClaimDocumentStore(storage.open('claims'), chainId, key);
  }

  /** Seals and stores a document; a second put of the same claim and kind replaces the first. */
  put(doc: ClaimDocument): void {
    const sealed = sealClaimDocument(this.chainId, doc.claimId, doc.kind, doc.document, this.key.publicKey);
    this.port.run(
      `INSERT INTO claim_documents (claim_id, kind, patient_pseudonym, digest, created_at_ms, nonce,
         key_commitment, ciphertext, envelope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (claim_id, kind) DO UPDATE SET patient_pseudonym = excluded.patient_pseudonym,
         digest = excluded.digest, created_at_ms = excluded.created_at_ms, nonce = excluded.nonce,
         key_commitment = excluded.key_commitment, ciphertext = excluded.ciphertext,
         envelope = excluded.envelope`,
      [
        doc.claimId,
        doc.kind,
        doc.patientPseudonym,
        doc.digest,
        doc.createdAtMs,
        sealed.nonce,
        sealed.keyCommitment,
        sealed.ciphertext,
        sealed.envelope,
      ],
    );
  }

  get(claimId: string, kind: ClaimDocumentKind): ClaimDocument | undefined {
    const row = this.port.get<Row>('SELECT * FROM claim_documents WHERE claim_id = ? AND kind = ?', [
      claimId,
      kind,
    ]);
    return row === undefined ? undefined : this.opened(row);
  }

  /** A patient's documents of one kind, oldest first, at most CLAIM_DOCUMENTS_LISTED_MAX. */
  listByPatient(patientPseudonym: string, kind: ClaimDocumentKind): ClaimDocument[] {
    return this.port
      .all<Row>(
        `SELECT * FROM claim_documents WHERE patient_pseudonym = ? AND kind = ?
         ORDER BY created_at_ms, claim_id LIMIT ?`,
        [patientPseudonym, kind, CLAIM_DOCUMENTS_LISTED_MAX],
      )
      .map((row) => this.opened(row));
  }

  /** Forgets a document whose tx the chain refused, so nothing is kept for a claim that is not there. */
  remove(claimId: string, kind: ClaimDocumentKind): void {
    this.port.run('DELETE FROM claim_documents WHERE claim_id = ? AND kind = ?', [claimId, kind]);
  }

  private opened(row: Row): ClaimDocument {
    const kind = row.kind as ClaimDocumentKind;
    const sealed = {
      nonce: row.nonce,
      keyCommitment: row.key_commitment,
      ciphertext: row.ciphertext,
      envelope: row.envelope,
    };
    return {
      claimId: row.claim_id,
      kind,
      patientPseudonym: row.patient_pseudonym,
      digest: row.digest,
      createdAtMs: row.created_at_ms,
      document: openClaimDocument(this.chainId, row.claim_id, kind, sealed, this.key),
    };
  }
}
