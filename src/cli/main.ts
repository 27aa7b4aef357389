// The `carechain` command.
import { Command, InvalidArgumentError } from 'commander';
import { runUp } from './commands/up.ts';
import { runVerify } from './commands/verify.ts';

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

const program = new Command()
  .name('carechain')
  .description(
    'carechain: a permissioned BFT ledger for healthcare. Run a command with --help for its options.',
  )
  .showHelpAfterError();

program
  .command('up')
  .description('start a local chain with demo transactions and its API (what `npm start` runs)')
  .option('--data-dir <dir>', 'where the chain is stored; reused on the next start', '.carechain/dev')
  .option('--host <host>', 'address the API listens on', '127.0.0.1')
  .option('--port <port>', 'API port (0 picks a free one)', integer(0, 65535), 8080)
  .option('--demo-rate <txs>', 'demo transactions per second (0 for none)', integer(0, 10_000), 20)
  .option('--block-interval <ms>', 'pause between blocks while txs are pending', integer(1, 60_000), 200)
  .action(
    async (opts: {
      dataDir: string;
      host: string;
      port: number;
      demoRate: number;
      blockInterval: number;
    }) => {
      await runUp({
        dataDir: opts.dataDir,
        host: opts.host,
        port: opts.port,
        demoTxsPerSecond: opts.demoRate,
        blockIntervalMs: opts.blockInterval,
      });
    },
  );

program
  .command('verify')
  .description(
    're-check a stored chain from genesis: signatures, hash links, tx and log roots, commits, state',
  )
  .requiredOption('--data <dir>', 'the node data directory to check')
  .option('--quiet', 'no progress output')
  .action((opts: { data: string; quiet?: boolean }) => {
    process.exitCode = runVerify(opts);
  });

await program.parseAsync(process.argv);
