// The SQLite schema of a node's data directory. One file, WAL mode. A block, its txs, its log nodes,
// its state writes and its commit are written in one database transaction (store.ts appendBlock).
export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- One row per block. header and last_commit are canonical JSON exactly as hashed.
CREATE TABLE IF NOT EXISTS blocks (
  height      INTEGER PRIMARY KEY,
  hash        TEXT NOT NULL UNIQUE,
  header      TEXT NOT NULL,
  last_commit TEXT,
  tx_count    INTEGER NOT NULL
);
-- The commit that made each block final (the next block carries one too, possibly with other signers).
CREATE TABLE IF NOT EXISTS commits (
  height INTEGER PRIMARY KEY,
  body   TEXT NOT NULL
);
-- Committed txs; body is the canonical encoding, which is also the Merkle leaf input.
CREATE TABLE IF NOT EXISTS txs (
  hash      TEXT PRIMARY KEY,
  height    INTEGER NOT NULL,
  position  INTEGER NOT NULL,
  log_index INTEGER NOT NULL UNIQUE,
  signer    TEXT NOT NULL,
  nonce     INTEGER NOT NULL,
  type      TEXT NOT NULL,
  body      BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS txs_by_block ON txs (height, position);
CREATE INDEX IF NOT EXISTS txs_by_signer ON txs (signer, nonce);
-- Complete subtrees of the global RFC 9162 log: hash of leaves [idx * 2^level, (idx + 1) * 2^level).
CREATE TABLE IF NOT EXISTS log_nodes (
  level INTEGER NOT NULL,
  idx   INTEGER NOT NULL,
  hash  BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
-- The consensus engine's restart record (last signed proposal and votes, lock): written, durably, before
-- anything it signed is sent, so a validator killed at any instant never signs a conflicting message.
CREATE TABLE IF NOT EXISTS consensus_record (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  body TEXT NOT NULL
);
-- Blocks the restart record refers to (its lock, valid value, last proposal), each written once by hash
-- rather than inside every record write; rows of finished heights are pruned.
CREATE TABLE IF NOT EXISTS consensus_values (
  hash   TEXT PRIMARY KEY,
  height INTEGER NOT NULL,
  body   TEXT NOT NULL
);
-- Versioned state: the value of key as of height (NULL = deleted at that height).
CREATE TABLE IF NOT EXISTS state (
  key    TEXT NOT NULL,
  height INTEGER NOT NULL,
  value  TEXT,
  PRIMARY KEY (key, height)
) WITHOUT ROWID;
`;
