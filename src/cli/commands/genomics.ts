// `carechain genomics …` (issue 19 §6), over a custodian node's API (src/client/genomics-client.ts). Every
// action needs a bearer token, read from CARECHAIN_TOKEN (never a flag: a flag sits in shell history and
// the process list): a staff token of the custodian to upload, the patient's own (`carechain patient
// login`) to grant or erase, a researcher's to query. A GA4GH Passport is read from a file for the same
// reason. Answers are printed as JSON; a released container is written to a file, never to the terminal.
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { GenomicsClient, type BeaconEntity } from '../../client/genomics-client.ts';
import { BEACON_POSITION_MAX, type GVariantsQuery } from '../../contract/beacon.ts';
import type { GenomeUploadBody } from '../../contract/genomics.ts';
import { NodeError } from '../../node/errors.ts';
import { hex, integer, nodeApi, withNodeApi, type NodeApiOptions } from '../options.ts';

export const TOKEN_ENV = 'CARECHAIN_TOKEN';

function client(opts: NodeApiOptions, who: string): GenomicsClient {
  const { url, fetch } = nodeApi(opts);
  const token = process.env[TOKEN_ENV];
  if (token === undefined || token === '') {
    throw new NodeError('config.invalid', `set ${TOKEN_ENV} to ${who}`);
  }
  return new GenomicsClient(url, token, fetch);
}

function readInput(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    throw new NodeError('config.unreadable', `${file} cannot be read as ${what}`);
  }
}

const print = (answer: unknown) => console.log(JSON.stringify(answer, null, 2));

/** The DUO permission codes that need nothing more; DS and modifiers come from --data-use-file. */
const PERMISSIONS = ['GRU', 'HMB', 'NRES', 'POA'] as const;

function dataUseOf(opts: { dataUse: string; dataUseFile?: string }): GenomeUploadBody['dataUse'] {
  if (opts.dataUseFile !== undefined) {
    try {
      return JSON.parse(
        readInput(opts.dataUseFile, 'DUO terms').toString('utf8'),
      ) as GenomeUploadBody['dataUse'];
    } catch (err) {
      if (err instanceof NodeError) throw err;
      throw new NodeError('config.unreadable', `${opts.dataUseFile} is not JSON DUO terms`);
    }
  }
  return { permission: { code: opts.dataUse }, modifiers: [] };
}

/** One 0-based position, or a bracket's two ("a,b"), as the Beacon's query string takes them. */
const positions = (value: string): string => {
  const parts = value.split(',');
  const check = integer(0, BEACON_POSITION_MAX);
  if (parts.length > 2) throw new InvalidArgumentError('expected a position, or two separated by a comma');
  parts.forEach((part) => check(part));
  return parts.map(Number).join(',');
};
const bases = (value: string): string => {
  if (!/^[ACGTN]{1,1000}$/.test(value)) throw new InvalidArgumentError('expected bases: A, C, G, T or N');
  return value;
};

interface QueryOptions extends NodeApiOptions {
  readonly referenceName: string;
  readonly start: string;
  readonly end?: string;
  readonly referenceBases?: string;
  readonly alternateBases?: string;
  readonly granularity: NonNullable<GVariantsQuery['requestedGranularity']>;
  readonly entity: BeaconEntity;
  readonly passportFile?: string;
}

export function genomicsCommand(): Command {
  const genomics = new Command('genomics').description(
    `genomes in custody (Crypt4GH) and Beacon v2 discovery: upload, grant, erase, query (the bearer token in ${TOKEN_ENV})`,
  );

  withNodeApi(genomics.command('upload'))
    .description(
      "staff: keep a patient's single-sample VCF (plain or bgzipped) and commit it as a salted root",
    )
    .argument('<vcf>', 'the VCF file')
    .requiredOption('--patient <pseudonym>', "the patient's pseudonym (64 hex)", hex(32))
    .addOption(new Option('--data-use <code>', 'the DUO permission').choices(PERMISSIONS).default('GRU'))
    .option('--data-use-file <file>', 'the DUO terms as JSON ({ permission, modifiers }), instead')
    .action(
      async (
        file: string,
        opts: NodeApiOptions & { patient: string; dataUse: string; dataUseFile?: string },
      ) => {
        const bytes = readInput(file, 'a VCF');
        const gzipped = bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
        print(
          await client(opts, "a staff token of the custodian's organisation").upload({
            patient: opts.patient,
            vcf: gzipped ? bytes.toString('base64') : bytes.toString('utf8'),
            ...(gzipped ? { encoding: 'base64' as const } : {}),
            dataUse: dataUseOf(opts),
          }),
        );
      },
    );

  withNodeApi(genomics.command('grant'))
    .description(
      'the patient: a copy of your genome (Crypt4GH) that only the named key opens, recorded on chain',
    )
    .argument('<datasetId>', 'your genome (64 hex, as `upload` answered it)', hex(32))
    .requiredOption('--recipient-key <hex>', "the reader's Crypt4GH public key (X25519, 64 hex)", hex(32))
    .requiredOption('--out <file>', 'where to write the container (.c4gh)')
    .action(async (datasetId: string, opts: NodeApiOptions & { recipientKey: string; out: string }) => {
      const released = await client(opts, 'your token from `carechain patient login`').grant(
        datasetId,
        opts.recipientKey,
      );
      writeFileSync(opts.out, Buffer.from(released.container, 'base64'), { mode: 0o600 });
      print({ txHash: released.txHash, height: released.height, out: opts.out });
    });

  withNodeApi(genomics.command('erase'))
    .description('the patient: crypto-shred your genome at this custodian; prints the committed receipt')
    .argument('<datasetId>', 'your genome (64 hex)', hex(32))
    .action(async (datasetId: string, opts: NodeApiOptions) =>
      print(await client(opts, 'your token from `carechain patient login`').erase(datasetId)),
    );

  withNodeApi(genomics.command('query'))
    .description(
      'a researcher: ask the Beacon for a variant (sequence), a range or a bracket; your budget pays',
    )
    .requiredOption('--reference-name <name>', 'the chromosome, e.g. 19 (GRCh38)')
    .requiredOption('--start <n[,m]>', 'the 0-based start (a bracket: its least and greatest)', positions)
    .option('--end <n[,m]>', 'the end of a range query (a bracket: its least and greatest)', positions)
    .option('--reference-bases <bases>', 'the reference bases of a sequence query', bases)
    .option('--alternate-bases <bases>', 'the alternate bases of a sequence query', bases)
    .addOption(
      new Option('--granularity <g>', 'what to ask for')
        .choices(['boolean', 'count', 'record'])
        .default('boolean'),
    )
    .addOption(
      new Option('--entity <e>', 'variants or the individuals who carry them')
        .choices(['g_variants', 'individuals'])
        .default('g_variants'),
    )
    .option('--passport-file <file>', 'a GA4GH Passport (JWT) to ask with, instead of a node token')
    .action(async (opts: QueryOptions) => {
      const parameters: GVariantsQuery = {
        referenceName: opts.referenceName,
        start: opts.start,
        requestedGranularity: opts.granularity,
        ...(opts.end === undefined ? {} : { end: opts.end }),
        ...(opts.referenceBases === undefined ? {} : { referenceBases: opts.referenceBases }),
        ...(opts.alternateBases === undefined ? {} : { alternateBases: opts.alternateBases }),
      };
      if (opts.passportFile === undefined) {
        print(await client(opts, "a researcher's token").query(opts.entity, parameters));
        return;
      }
      const passport = readInput(opts.passportFile, 'a Passport').toString('utf8').trim();
      const { url, fetch } = nodeApi(opts);
      print(await new GenomicsClient(url, undefined, fetch).query(opts.entity, parameters, passport));
    });

  return genomics;
}
