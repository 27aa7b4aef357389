// `carechain recover`: the way out when validators holding more than 1/3 of the power are gone for good
// (issue 15; docs/GOVERNANCE.md, "Recovery"). Each member organisation's administrator signs the same
// certificate with the admin key on their own machine (`carechain recover sign`); then, at every node
// that will validate under the new set, with the node stopped, `carechain recover --certificate file
// --dir node` checks the certificate against the node's chain and stores it, signed into a
// governance.recover tx by the node's key. At its next start the node takes the certificate's set as
// the signers of the next block and, as its proposer, puts the certificate first in it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { CoreError } from '../../core/errors.ts';
import { isHex } from '../../core/bytes.ts';
import {
  parseRecoveryCertificate,
  signRecovery,
  type RecoveryCertificate,
  type RecoveryTerms,
} from '../../core/recovery.ts';
import type { Validator } from '../../core/validators.ts';
import { CONFIG_FILE, loadNodeConfig } from '../../node/config.ts';
import { readKeyFile } from '../../node/keys.ts';
import { Ledger } from '../../node/ledger.ts';
import { applyRecoveryCertificate } from '../../node/recovery.ts';
import { openStorage } from '../../node/storage/index.ts';
import { integer } from '../options.ts';

/** "name:publicKey:power", as an operator types a validator. */
function validatorArg(value: string, previous: Validator[]): Validator[] {
  const [name, publicKey, power] = value.split(':');
  const p = Number(power);
  if (!name || !isHex(publicKey, 32) || !Number.isSafeInteger(p) || p <= 0) {
    throw new InvalidArgumentError('give name:publicKey(64 hex):power, e.g. hospital:7f3a…:10');
  }
  return [...previous, { name, publicKey, power: p }];
}

interface SignOptions {
  readonly key: string;
  readonly org: string;
  readonly chainId?: string;
  readonly height?: number;
  readonly validator: Validator[];
  readonly reason: string;
}

/** The certificate in `file`, or new terms from the options when the file does not exist yet. */
function certificateToSign(file: string, opts: SignOptions): RecoveryCertificate {
  if (existsSync(file)) return parseRecoveryCertificate(JSON.parse(readFileSync(file, 'utf8')));
  if (opts.chainId === undefined || opts.height === undefined || opts.validator.length === 0) {
    throw new CoreError(
      'governance.recovery_invalid',
      `${file} does not exist: give --chain-id, --height and at least one --validator to start it`,
    );
  }
  const terms: RecoveryTerms = {
    chainId: opts.chainId,
    height: opts.height,
    validators: opts.validator,
    reason: opts.reason,
  };
  return parseRecoveryCertificate({ ...terms, signatures: [] });
}

function runSign(file: string, opts: SignOptions): number {
  const certificate = certificateToSign(file, opts);
  const admin = readKeyFile(opts.key);
  const signed = signRecovery(certificate, opts.org, admin.seed);
  writeFileSync(file, `${JSON.stringify(signed, null, 2)}\n`);
  const names = certificate.validators.map((v) => `${v.name} (${v.power})`).join(', ');
  console.log(`signed as ${opts.org}: chain ${certificate.chainId}, from height ${certificate.height + 1}`);
  console.log(`  validators: ${names}`);
  console.log(`  signatures: ${signed.signatures.map((s) => s.orgId).join(', ')}`);
  return 0;
}

/** Checks the certificate against the node's chain and stores it as the node's recovery tx. */
function runApply(opts: { certificate: string; dir: string }): number {
  const config = loadNodeConfig(join(opts.dir, CONFIG_FILE));
  const certificate = parseRecoveryCertificate(JSON.parse(readFileSync(opts.certificate, 'utf8')));
  const storage = openStorage({ dataDir: config.dataDir, database: config.database });
  try {
    // Refuses while the node runs: the recovery must be in place before it decides anything.
    storage.lockValidator(config.key.publicKey);
    const ledger = Ledger.open(storage, config.genesis);
    const { height, validators } = applyRecoveryCertificate(ledger, config.key, certificate);
    const names = validators.validators.map((v) => v.name || v.publicKey.slice(0, 8)).join(', ');
    console.log(`recovery applied at ${config.name}: block ${height} will be signed by ${names}`);
    console.log('  start the node; the certificate becomes the first tx of that block');
    return 0;
  } finally {
    storage.close();
  }
}

function reportingErrors(run: () => number): void {
  try {
    process.exitCode = run();
  } catch (err) {
    if (!(err instanceof CoreError) && !(err instanceof Error && 'code' in err)) throw err;
    console.error(`recover: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}

export function recoverCommand(): Command {
  const recover = new Command('recover')
    .description(
      'apply a recovery certificate at a stopped node: when validators holding more than 1/3 of the power are gone for good, more than 2/3 of the member organisations name a new set from the next height (docs/GOVERNANCE.md)',
    )
    .option('--certificate <file>', 'the certificate, signed with `carechain recover sign`')
    .option('--dir <dir>', 'the node folder made by `carechain init` (the node must be stopped)')
    .action((opts: { certificate?: string; dir?: string }) => {
      if (opts.certificate === undefined || opts.dir === undefined) {
        recover.help({ error: true });
      }
      reportingErrors(() => runApply({ certificate: opts.certificate!, dir: opts.dir! }));
    });
  recover
    .command('sign')
    .description(
      "sign a recovery certificate with your organisation's admin key (starting it if the file does not exist)",
    )
    .argument('<file>', 'the certificate file, updated in place')
    .requiredOption('--key <file>', "your organisation's admin key file (admin-key.json); it signs here")
    .requiredOption('--org <id>', 'your organisation id')
    .option('--chain-id <id>', 'to start a certificate: the chain id')
    .option(
      '--height <h>',
      'to start a certificate: the last height the lost set committed (the new set signs from h + 1)',
      integer(1, Number.MAX_SAFE_INTEGER),
    )
    .option(
      '--validator <name:key:power>',
      'to start a certificate: a validator of the new set (repeat)',
      validatorArg,
      [],
    )
    .option('--reason <text>', 'why, in words everyone can read on chain (public; never patient data)', '')
    .action((file: string, opts: SignOptions) => reportingErrors(() => runSign(file, opts)));
  return recover;
}
