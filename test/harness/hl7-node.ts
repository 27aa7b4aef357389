// One hospital node as a real `carechain node` process with an MLLP listener configured in node.json
// (issue 21): the sending facilities given, each written as one lab technician registered on chain. For
// the HL7 end-to-end test and `bench/hl7.bench.ts`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeConfigFile } from '../../src/node/config.ts';
import { generateKeyPair, type KeyPair } from '../../src/node/keys.ts';
import { tempDir } from './chain.ts';
import { freePorts, type HttpAnswer } from './http.ts';
import { fhirCall } from './records-network.ts';
import { makeNetwork, registerPractitioner, type MemberSpec, type TestNetwork } from './network.ts';
import { startNodeProcess, stopProcesses, type NodeProcess } from './process.ts';

export interface Hl7Node {
  readonly net: TestNetwork;
  readonly node: NodeProcess;
  readonly hl7Port: number;
  /** The interface's practitioner, and a FHIR token of theirs to read back what was written. */
  readonly practitioner: KeyPair;
  readonly token: string;
  /** GET /fhir/R4/<type>/<id> at the hospital with the interface's token. */
  read(type: string, id: string): Promise<HttpAnswer>;
  stop(): Promise<void>;
}

export interface Hl7NodeOptions {
  /** Senders that take application ACKs on a listener of their own (node.json senders[].ackTo). */
  readonly ackTo?: Readonly<Record<string, { host: string; port: number }>>;
  /** Downstream systems the hospital sends its committed records to (node.json hl7.feeds). */
  readonly feeds?: readonly { name: string; host: string; port: number }[];
  /** Environment of the node process (a test hook such as CARECHAIN_TEST_HL7_HOLD). */
  readonly env?: Readonly<Record<string, string>>;
  /** More member organisations, on chain only (power 0: no node process of theirs is needed). */
  readonly otherOrgs?: readonly MemberSpec[];
}

export async function startHl7Node(
  prefix: string,
  facilities: Iterable<string>,
  options: Hl7NodeOptions = {},
): Promise<Hl7Node> {
  const root = tempDir(prefix);
  let node: NodeProcess | undefined;
  try {
    // The demo's base policy: the hospital's clinical staff read what it holds (a patient pre-registered
    // from a message has signed no consent yet).
    const others = (options.otherOrgs ?? []).map((org) => ({ ...org, power: 0 }));
    const net = await makeNetwork(root.path, [{ name: 'hospital' }, ...others], 'carechain-hl7', {
      basePolicy: 'treatment-relationship',
    });
    const [hl7Port] = (await freePorts(1)) as [number];
    const practitioner = generateKeyPair();
    const path = join(net.dir('hospital'), 'node.json');
    const config = JSON.parse(readFileSync(path, 'utf8')) as NodeConfigFile;
    const senders = [...new Set(facilities)].map((facility) => ({
      facility,
      practitioner: practitioner.publicKey,
      ...(options.ackTo?.[facility] === undefined ? {} : { ackTo: options.ackTo[facility] }),
    }));
    const feeds = options.feeds === undefined ? {} : { feeds: options.feeds };
    writeFileSync(
      path,
      JSON.stringify({ ...config, hl7: { host: '127.0.0.1', port: hl7Port, senders, ...feeds } }),
    );
    node = await startNodeProcess(net.dir('hospital'), undefined, options.env);
    const token = await registerPractitioner(net, 'hospital', practitioner, 'lab-technician');
    const started = node;
    return {
      net,
      node,
      hl7Port,
      practitioner,
      token,
      read: (type, id) => fhirCall(net.url('hospital'), token).get(`/fhir/R4/${type}/${id}`),
      stop: async () => {
        await stopProcesses([started], 'SIGKILL');
        root.remove();
      },
    };
  } catch (err) {
    await stopProcesses([node], 'SIGKILL');
    root.remove();
    throw err;
  }
}
