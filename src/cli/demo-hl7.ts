// The demo hospital's HL7 v2 interface in `carechain up`: an MLLP listener on the registered HL7 port
// (2575) taking messages from one demo sending facility, written as a lab technician of the hospital
// whose key lives beside the node's own (the interface is a member of staff, issue 21). Registered on
// chain with the other demo staff (demo-credentials.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Hl7Config } from '../node/hl7-config.ts';
import { generateKeyPair, readKeyFile, writeKeyFile, type KeyPair } from '../node/keys.ts';

export const HL7_INTERFACE_KEY_FILE = 'hl7-interface-key.json';
/** MSH-4 of the messages the demo listener takes; any other sender is refused (AR). */
export const DEMO_HL7_FACILITY = 'CARECHAIN DEMO LAB';
export const DEMO_HL7_ORG = 'hospital';

/** The interface's key in `dir` (made on first use) and the hl7 section of that node's node.json. */
export function demoHl7Config(dir: string, host: string, port: number): Hl7Config {
  const key = demoHl7Key(dir, true)!;
  return { host, port, senders: [{ facility: DEMO_HL7_FACILITY, practitioner: key.publicKey }] };
}

/** The interface's key, if the node in `dir` has one (or `create`s it). */
export function demoHl7Key(dir: string, create = false): KeyPair | undefined {
  const path = join(dir, HL7_INTERFACE_KEY_FILE);
  if (existsSync(path)) return readKeyFile(path);
  if (!create) return undefined;
  const key = generateKeyPair();
  writeKeyFile(path, key);
  return key;
}
