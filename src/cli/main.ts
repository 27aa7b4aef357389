// The `carechain` command.
import { Command, Option } from 'commander';
import { ORGANISATION_TYPES, type OrganisationType } from '../app/membership/types.ts';
import { BASE_POLICIES, BASE_POLICY_DEFAULT, type BasePolicy } from '../app/records/policy.ts';
import { runDev } from './commands/dev.ts';
import { recoverCommand } from './commands/recover.ts';
import { govCommand } from './commands/gov.ts';
import { runApiCert, runGenesis, runInit } from './commands/init.ts';
import { runNode } from './commands/node.ts';
import { devicesCommand } from './commands/devices.ts';
import { patientCommand } from './commands/patient.ts';
import { claimsCommand } from './commands/claims.ts';
import { trialsCommand } from './commands/trials.ts';
import { aiCommand } from './commands/ai.ts';
import { genomicsCommand } from './commands/genomics.ts';
import { runUp } from './commands/up.ts';
import { runVerify } from './commands/verify.ts';
import { runProofVerify } from './commands/proof.ts';
import { runWitness } from './commands/witness.ts';
import { integer } from './options.ts';
import { HL7_PORT_DEFAULT } from '../node/hl7-config.ts';
import { runHl7Listen, runHl7Send } from './commands/hl7.ts';

/** `up`'s first API port. */
const BASE_PORT_DEFAULT = 8081;

/** For an option that may be given more than once: each value is appended to the list. */
function repeated(value: string, previous: string[]): string[] {
  return [...previous, value];
}

// Files and folders carechain makes are its user's alone (finding 15): keys, ledgers, vaults, logs.
process.umask(0o077);

const program = new Command()
  .name('carechain')
  .description(
    'carechain: a permissioned BFT ledger for healthcare. Run a command with --help for its options.',
  )
  .showHelpAfterError();

program
  .command('up')
  .description(
    'start a local consortium: 4 validators (hospital, clinic, pharmacy, insurer) and 4 non-voting members (manufacturer, distributor, research-sponsor, regulator); what `npm start` runs',
  )
  .option('--data-dir <dir>', 'where the nodes keep their folders; reused on the next start', '.carechain')
  .option(
    '--base-port <port>',
    'API of the first node; the others follow, P2P ports are 1000 higher',
    integer(1, 63000),
    BASE_PORT_DEFAULT,
  )
  .option('--demo-rate <txs>', 'demo transactions per second (0 for none)', integer(0, 10_000), 20)
  .option(
    '--hl7-port <port>',
    "the hospital's HL7 v2 MLLP port (default 2575, the registered HL7 port; base-port + 2000 when --base-port is given)",
    integer(1, 65535),
  )
  .action(async (opts: { dataDir: string; basePort: number; demoRate: number; hl7Port?: number }) => {
    // Two consortia on one machine (tests) differ by base port: their HL7 ports must differ too.
    const hl7Port =
      opts.hl7Port ?? (opts.basePort === BASE_PORT_DEFAULT ? HL7_PORT_DEFAULT : opts.basePort + 2000);
    await runUp({ dataDir: opts.dataDir, basePort: opts.basePort, hl7Port, demoTxsPerSecond: opts.demoRate });
  });

const hl7 = program.command('hl7').description('HL7 v2 over MLLP (docs/HL7V2.md)');
hl7
  .command('send <file>')
  .description(
    "send an HL7 v2 message file to a node's MLLP listener and print the ACK (exit 1 unless AA or CA)",
  )
  .option('--host <host>', 'the listener', '127.0.0.1')
  .option('--port <port>', 'its port', integer(1, 65535), HL7_PORT_DEFAULT)
  .option('--ca <file>', "MLLP over TLS: the CA (PEM) the listener's certificate chains to")
  .option('--cert <file>', 'mutual TLS: this sender’s certificate (PEM)')
  .option('--key <file>', 'mutual TLS: its private key (PEM)')
  .option('--timeout <ms>', 'how long to wait for the ACK', integer(1, 600_000), 60_000)
  .option(
    '--answers <n>',
    'enhanced mode: wait for this many ACKs on the connection (2: the CA, then the application ACK)',
    integer(1, 2),
    1,
  )
  .action(
    async (
      file: string,
      opts: {
        host: string;
        port: number;
        ca?: string;
        cert?: string;
        key?: string;
        timeout: number;
        answers: number;
      },
    ) => {
      await runHl7Send({ file, ...opts, timeoutMs: opts.timeout });
    },
  );
hl7
  .command('listen')
  .description(
    "receive HL7 v2 over MLLP as a downstream system would (a node's outbound feed, enhanced-mode ACKs): answer AA, print a line a message",
  )
  .option('--host <host>', 'the address to listen on', '127.0.0.1')
  .option('--port <port>', 'the port', integer(1, 65535), 2576)
  .option('--show', 'print each message too (test data only: a message may carry PHI)', false)
  .action(async (opts: { host: string; port: number; show: boolean }) => {
    await runHl7Listen(opts);
  });

program
  .command('node')
  .description('run one node of a network from its config file (see `carechain init`)')
  .requiredOption('--config <file>', 'the node.json written by `carechain init`')
  .option(
    '--database <url>',
    'keep every store in PostgreSQL (postgres://user@host:5432/db) instead of SQLite files in the data directory; overrides "database" in node.json',
  )
  .option(
    '--insecure-http',
    'serve the API over plain HTTP on a non-loopback address (only behind a TLS proxy on this machine); without api.tls in node.json the node otherwise refuses to listen anywhere but loopback',
  )
  .action(async (opts: { config: string; database?: string; insecureHttp?: boolean }) => {
    await runNode(opts);
  });

program
  .command('init')
  .description('make a node key and config for one institution, and the member file to send for genesis')
  .requiredOption('--dir <dir>', 'the node folder to create')
  .requiredOption(
    '--name <name>',
    'the institution, lowercase with dashes, e.g. "st-marys-hospital"; its org id',
  )
  .option('--type <type>', `organisation type: ${ORGANISATION_TYPES.join(', ')}`, 'hospital')
  .option(
    '--power <n>',
    'voting power; 0 makes a non-voting member (follows the chain, serves its API, never votes)',
    integer(0, 1_000_000),
    10,
  )
  .option(
    '--api-host <host>',
    'API listen address; anything but loopback needs --api-tls-name (or a certificate in node.json)',
    '127.0.0.1',
  )
  .option('--api-port <port>', 'API port', integer(0, 65535), 8081)
  .option(
    '--api-tls-name <name>',
    "serve the API over HTTPS: make a CA and a certificate for this DNS name or IP address (repeat for more; the first is the node's public name); clients trust tls/api-ca.pem with --ca",
    repeated,
    [] as string[],
  )
  .option('--p2p-host <host>', 'P2P address: where the other nodes reach this one', '127.0.0.1')
  .option('--p2p-port <port>', 'P2P port', integer(1, 65535), 9081)
  .action(
    async (opts: {
      dir: string;
      name: string;
      type: string;
      power: number;
      apiHost: string;
      apiPort: number;
      p2pHost: string;
      p2pPort: number;
      apiTlsName: string[];
    }) => {
      await runInit({ ...opts, type: opts.type as OrganisationType });
    },
  );

program
  .command('api-cert')
  .description(
    "make a new CA and HTTPS certificate for a node's API (renewal, other names); node.json is updated, the node uses it from its next start",
  )
  .requiredOption('--dir <dir>', 'the node folder made by `carechain init`')
  .requiredOption(
    '--api-tls-name <name>',
    "a DNS name or IP address the API is reached by (repeat for more; the first is the node's public name)",
    repeated,
    [] as string[],
  )
  .action(async (opts: { dir: string; apiTlsName: string[] }) => {
    await runApiCert(opts);
  });

program
  .command('genesis')
  .description("combine the members' files into genesis.json and peers.json")
  .requiredOption('--chain-id <id>', 'the network name, lowercase, e.g. "carechain-region-north"')
  .option('--out <dir>', 'where to write genesis.json and peers.json', '.')
  .addOption(
    new Option('--base-policy <policy>', 'who reads records that no consent decides (docs/SECURITY.md)')
      .choices([...BASE_POLICIES])
      .default(BASE_POLICY_DEFAULT),
  )
  .argument('<member-files...>', 'the member.json of every founding institution')
  .action((members: string[], opts: { chainId: string; out: string; basePolicy: BasePolicy }) => {
    runGenesis({ chainId: opts.chainId, out: opts.out, members, basePolicy: opts.basePolicy });
  });

program
  .command('dev')
  .description('start a single-validator development chain with demo transactions, in one process')
  .option('--data-dir <dir>', 'where the chain is stored; reused on the next start', '.carechain/dev')
  .option('--host <host>', 'address the API listens on', '127.0.0.1')
  .option('--port <port>', 'API port (0 picks a free one)', integer(0, 65535), 8080)
  .option('--demo-rate <txs>', 'demo transactions per second (0 for none)', integer(0, 10_000), 20)
  .option('--block-interval <ms>', 'pause between blocks while txs are pending', integer(1, 60_000), 200)
  .option('--insecure-http', 'allow a --host other than loopback (dev serves plain HTTP only)')
  .action(
    async (opts: {
      dataDir: string;
      host: string;
      port: number;
      demoRate: number;
      blockInterval: number;
      insecureHttp?: boolean;
    }) => {
      await runDev({
        dataDir: opts.dataDir,
        host: opts.host,
        port: opts.port,
        demoTxsPerSecond: opts.demoRate,
        blockIntervalMs: opts.blockInterval,
        insecureHttp: opts.insecureHttp === true,
      });
    },
  );

program
  .command('verify')
  .description(
    're-check a stored chain from genesis: signatures, hash links, tx and log roots, commits, state',
  )
  .option('--data <dir>', 'the node data directory to check (SQLite)')
  .option('--database <url>', 'check a node that keeps its stores in PostgreSQL (postgres://…)')
  .option('--quiet', 'no progress output')
  .action((opts: { data?: string; database?: string; quiet?: boolean }) => {
    process.exitCode = runVerify(opts);
  });

program
  .command('witness')
  .description(
    'run a standalone C2SP witness (c2sp.org/tlog-witness) of a carechain log: polls its /checkpoint, cosigns consistent growth only, keeps its state in SQLite, answers POST /add-checkpoint, and reports a forked checkpoint to the log as evidence',
  )
  .requiredOption('--log <url>', "a node's API base URL, e.g. http://127.0.0.1:8081")
  .requiredOption('--key <file>', "the witness's key file (created if absent)")
  .option('--data-dir <dir>', 'where the witness keeps witness.sqlite', '.carechain/witness')
  .option('--host <host>', 'address its API listens on', '127.0.0.1')
  .option('--port <port>', 'API port (0 picks a free one)', integer(0, 65535), 8090)
  .option('--name <name>', 'its key name (default witness-<key prefix>)')
  .option('--poll <ms>', "how often it fetches the log's checkpoint", integer(50, 3_600_000), 2000)
  .option(
    '--log-key <vkey>',
    "a log key (vkey) to trust instead of the log's own listing; repeat for several",
    repeated,
    [] as string[],
  )
  .action(
    async (opts: {
      log: string;
      key: string;
      dataDir: string;
      host: string;
      port: number;
      name?: string;
      poll: number;
      logKey: string[];
    }) => {
      await runWitness({
        log: opts.log,
        key: opts.key,
        dataDir: opts.dataDir,
        host: opts.host,
        port: opts.port,
        ...(opts.name === undefined ? {} : { name: opts.name }),
        pollMs: opts.poll,
        logKeys: opts.logKey,
      });
    },
  );

program
  .command('proof')
  .description('portable proofs (c2sp.org/tlog-proof@v1)')
  .command('verify')
  .description(
    'check a .tlog-proof file offline against a witness policy: the log signature, the quorum of cosignatures and the inclusion path',
  )
  .argument('<file>', 'the proof, as GET /api/v1/proofs/tlog-proof/<txHash> serves it')
  .requiredOption(
    '--policy <file>',
    'the witness policy (c2sp.org/tlog-policy), e.g. from GET /api/v1/witness/policy',
  )
  .option('--entry <file>', 'the logged entry, for a proof whose file does not carry it')
  .action((file: string, opts: { policy: string; entry?: string }) => {
    process.exitCode = runProofVerify(file, opts);
  });

program.addCommand(patientCommand());
program.addCommand(claimsCommand());
program.addCommand(trialsCommand());
program.addCommand(genomicsCommand());
program.addCommand(govCommand());
program.addCommand(recoverCommand());
program.addCommand(devicesCommand());
program.addCommand(aiCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Expected failures (bad config, port in use) get one clear line, not a stack trace.
  const code = (err as { code?: unknown }).code;
  console.error(
    `carechain: ${err instanceof Error ? err.message : String(err)}${typeof code === 'string' ? ` (${code})` : ''}`,
  );
  process.exitCode = 1;
}
