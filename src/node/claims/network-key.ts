// The members' claim-line fingerprint key (issue 17 §4; docs/ARCHITECTURE.md "The fingerprint network
// key"). One 32-byte secret per network, never on chain: whoever holds it can fingerprint a guessed line
// and look it up on the public ledger, so it goes to member nodes only, and only wrapped for one node's
// key at a time, in a file that opens with that node's key alone. Whoever assembles genesis makes the key
// and one file per founding member (`carechain genesis`); a member already holding it wraps it for a
// member that joins later (`carechain claims share-key`). The wrap is the vault's (node-cipher.ts):
// X25519 from the Ed25519 node key, HKDF-SHA256, AES-256-GCM, with the chain id in the AAD.
import { readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fromHex, isHex, toHex } from '../../core/bytes.ts';
import type { RecordRef } from '../../core/crypto/envelope.ts';
import { FINGERPRINT_KEY_BYTES } from '../../app/claims/fingerprint.ts';
import { NodeError } from '../errors.ts';
import type { KeyPair } from '../keys.ts';
import { openEnvelope, sealEnvelope } from '../vault/node-cipher.ts';

/** The file name a node folder keeps its wrapped key under (node.json claims.networkKeyFile). */
export const NETWORK_KEY_FILE = 'claims-network-key.json';

/** What the file holds: nothing in it opens without the named node's key. */
export interface NetworkKeyFile {
  readonly chainId: string;
  /** The node key (Ed25519, hex) the network key is wrapped for. */
  readonly sealedFor: string;
  /** The key wrapped for that node (envelope.ts format), hex. */
  readonly envelope: string;
}

function refOf(chainId: string): RecordRef {
  return { chainId, recordId: 'claims-network-key', version: 1, resourceType: 'ClaimsNetworkKey' };
}

/** A new network key: 32 random bytes, made once per network. */
export function newNetworkKey(): Uint8Array {
  return new Uint8Array(randomBytes(FINGERPRINT_KEY_BYTES));
}

/** The network key wrapped for one node's key. */
export function wrapNetworkKey(key: Uint8Array, chainId: string, nodePublicKey: string): NetworkKeyFile {
  if (key.length !== FINGERPRINT_KEY_BYTES) {
    throw new NodeError('config.invalid', `the network key must be ${FINGERPRINT_KEY_BYTES} bytes`);
  }
  const envelope = sealEnvelope(key, fromHex(nodePublicKey), refOf(chainId));
  return { chainId, sealedFor: nodePublicKey, envelope: toHex(envelope) };
}

/** Opens a wrapped key with this node's key; refuses a file of another chain or for another node. */
export function unwrapNetworkKey(file: unknown, chainId: string, node: KeyPair): Uint8Array {
  const f = file as Partial<NetworkKeyFile> | null;
  const invalid = (why: string) => new NodeError('config.invalid', `claims network key file: ${why}`);
  if (typeof f !== 'object' || f === null || !isHex(f.envelope)) throw invalid('not a wrapped key');
  if (f.chainId !== chainId) throw invalid(`made for chain ${String(f.chainId)}, not ${chainId}`);
  if (f.sealedFor !== node.publicKey) throw invalid('wrapped for another node’s key');
  let key: Uint8Array;
  try {
    key = openEnvelope(fromHex(f.envelope), node.seed, refOf(chainId));
  } catch {
    throw invalid('does not open with this node’s key');
  }
  if (key.length !== FINGERPRINT_KEY_BYTES) throw invalid('does not hold a 32-byte key');
  return key;
}

export function writeNetworkKeyFile(path: string, file: NetworkKeyFile): void {
  // Not secret without the node's key, but no one else's business either.
  writeFileSync(path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
}

/**
 * The key a node.json names: a wrapped file (above) opened with the node's key, or, for a test network
 * whose nodes share one file, the bare key as 64 hex characters. The key never goes into a message.
 */
export function readNetworkKey(path: string, chainId: string, node: KeyPair): Uint8Array {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    throw new NodeError('config.invalid', 'claims.networkKeyFile cannot be read');
  }
  if (isHex(text, FINGERPRINT_KEY_BYTES)) return fromHex(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new NodeError(
      'config.invalid',
      'claims.networkKeyFile holds neither a wrapped key nor 64 hex characters',
    );
  }
  return unwrapNetworkKey(parsed, chainId, node);
}
