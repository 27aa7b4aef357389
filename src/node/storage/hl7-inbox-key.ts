// The key that seals HL7 messages in the durable inbox (hl7-message-log.ts): HKDF-SHA256 of the node's
// own Ed25519 seed, so the inbox needs no key file of its own and a copy of hl7.sqlite alone reveals
// nothing. AES-256-GCM with a fresh nonce per message; the row's sender, control id and digest are the
// associated data, so a sealed message cannot be moved to another row.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { utf8 } from '../../core/bytes.ts';

/** The row a sealed message belongs to (hl7-message-log.ts MessageKey). */
interface RowKey {
  readonly sender: string;
  readonly controlId: string;
  readonly digest: string;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface InboxKey {
  readonly bytes: Uint8Array;
}

export function inboxKeyOf(nodeSeed: Uint8Array): InboxKey {
  const info = utf8('carechain/hl7-inbox/v1');
  return { bytes: new Uint8Array(hkdfSync('sha256', nodeSeed, new Uint8Array(0), info, 32)) };
}

const aad = (key: RowKey) => utf8(`${key.sender}\n${key.controlId}\n${key.digest}`);

export function sealInboxText(inboxKey: InboxKey, key: RowKey, text: string): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', inboxKey.bytes, nonce).setAAD(aad(key));
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/** The message text; throws when the sealed bytes were not sealed for this row under this key. */
export function openInboxText(inboxKey: InboxKey, key: RowKey, sealed: Uint8Array): string {
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', inboxKey.bytes, nonce).setAAD(aad(key));
  decipher.setAuthTag(tag);
  const body = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
}
