// The SQLite schema of vault.sqlite (vault-store.ts): record versions, wrapped keys, shred tombstones.
// Nothing here is clinical in clear: ciphertexts, nonces, salts and commitments, keyed by the ids the
// chain already holds.
export const VAULT_SCHEMA_VERSION = 1;

export const VAULT_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- One row per record version. ciphertext includes the 16-byte GCM tag.
CREATE TABLE IF NOT EXISTS record_versions (
  record_id         TEXT NOT NULL,
  version           INTEGER NOT NULL CHECK (version >= 1),
  chain_id          TEXT NOT NULL,
  resource_type     TEXT NOT NULL,
  patient_pseudonym TEXT NOT NULL,
  ciphertext        BLOB NOT NULL,
  nonce             BLOB NOT NULL,
  salt              BLOB NOT NULL,
  key_commitment    BLOB NOT NULL,
  commitment        TEXT NOT NULL,
  created_at_ms     INTEGER NOT NULL,
  PRIMARY KEY (record_id, version)
);
CREATE INDEX IF NOT EXISTS record_versions_by_patient
  ON record_versions (patient_pseudonym, record_id, version);
-- The custodian's own Patient search lists its Patient records (services/records/patient-search.ts).
CREATE INDEX IF NOT EXISTS record_versions_by_type
  ON record_versions (resource_type, record_id);
-- The data key of a version wrapped for one recipient (Ed25519 identity key, hex).
CREATE TABLE IF NOT EXISTS wrapped_keys (
  record_id TEXT NOT NULL,
  version   INTEGER NOT NULL,
  recipient TEXT NOT NULL,
  envelope  BLOB NOT NULL,
  PRIMARY KEY (record_id, version, recipient),
  FOREIGN KEY (record_id, version) REFERENCES record_versions (record_id, version)
) WITHOUT ROWID;
-- What was shredded, so a later read says "shredded", not "never existed". Holds only what the chain
-- already holds (record id, version, commitment): nothing clinical, no key.
CREATE TABLE IF NOT EXISTS shredded (
  record_id      TEXT NOT NULL,
  version        INTEGER NOT NULL,
  commitment     TEXT NOT NULL,
  shredded_at_ms INTEGER NOT NULL,
  PRIMARY KEY (record_id, version)
) WITHOUT ROWID;
`;
