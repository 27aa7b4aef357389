// `carechain trials …` (issue 16 §7): the public registry and its checks, the sponsor's writes and the
// patient's own signed txs, over any node's public API.
//   - Anyone: list, show, export; `verdict` and `allocations` check every proof and every arm on this
//     machine (src/cli/trials-check.ts) and exit non-zero if one fails.
//   - The sponsor's staff, at their own node: the bearer token comes from CARECHAIN_TOKEN, never a flag
//     (a flag would sit in shell history and the process list). `commit` and `seed` make their secrets
//     here: the salt and the seed stay in files only the sponsor holds until they are revealed.
//   - The patient, with the key file `carechain patient keygen` made: enrol, reconsent, withdraw, mine.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import {
  commitDocument,
  COMMITMENT_SALT_BYTES,
  seedCommitment,
  type RegisteredOutcome,
  type DocumentSaltFile,
} from '../../app/trials/index.ts';
import { toHex } from '../../core/bytes.ts';
import { txHash, type SignedTx } from '../../core/tx.ts';
import { ApiRefusal, callApi, platformFetch, type FetchLike } from '../../client/api-call.ts';
import { PatientClient } from '../../client/patient-client.ts';
import type { StoredTxAnswer } from '../../contract/ledger.ts';
import {
  TRIALS_PATH,
  type AllocationsAnswer,
  type AmendedTrialAnswer,
  type RegisteredTrialAnswer,
  type RegistryAnswer,
  type TrialCommitted,
  type TrialPageAnswer,
  type VerdictAnswer,
} from '../../contract/trials.ts';
import { checkApiUrl } from '../../node/api-tls.ts';
import { NodeError } from '../../node/errors.ts';
import { readKeyFile, refuseToOverwrite } from '../../node/keys.ts';
import { fetchFor } from '../ca-fetch.ts';
import { checkAllocations, checkVerdict, type Checked } from '../trials-check.ts';

export const TOKEN_ENV = 'CARECHAIN_TOKEN';

interface ApiOptions {
  readonly api: string;
  readonly ca?: string;
  readonly insecureHttp?: boolean;
}
type TrialOptions = ApiOptions & { readonly trial: string };

function hex(bytes: number) {
  return (value: string): string => {
    if (!new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(value)) {
      throw new InvalidArgumentError(`expected ${bytes} bytes of lowercase hex`);
    }
    return value;
  };
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number from 1');
  return n;
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    throw new NodeError('config.unreadable', `${file} cannot be read as JSON`);
  }
}

/** A study file: FHIR R4 ResearchStudy if it says so, else ClinicalTrials.gov API v2 study JSON. */
function studyFields(file: string): Record<string, unknown> {
  const study = readJson(file);
  return study.resourceType === 'ResearchStudy' ? { researchStudy: study } : { study };
}

/** One JSON call to the node; a refusal becomes an error with the node's code and message. */
function call(
  opts: ApiOptions,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  token?: string,
): Promise<unknown> {
  checkApiUrl(opts.api, { insecureHttp: opts.insecureHttp === true });
  const fetch: FetchLike = fetchFor(opts.ca) ?? platformFetch;
  return callApi(fetch, `${opts.api.replace(/\/+$/, '')}${path}`, method, ApiRefusal, body, token);
}

/** The sponsor's write at its own node, with the staff token from the environment. */
function sponsorPost(opts: TrialOptions | ApiOptions, path: string, body: unknown): Promise<unknown> {
  const token = process.env[TOKEN_ENV];
  if (token === undefined || token === '') {
    throw new NodeError('config.invalid', `set ${TOKEN_ENV} to a staff bearer token of the sponsor's node`);
  }
  return call(opts, 'POST', `${TRIALS_PATH}${path}`, body, token);
}

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));
const committed = (what: string, c: TrialCommitted) =>
  console.log(`${what}: tx ${c.txHash} at block ${c.height}`);

/** One sponsor tx on the trial (POST …/:trial/<step>), reported as `<what>: tx … at block …`. */
async function sponsorCommit(opts: TrialOptions, step: string, body: unknown, what: string): Promise<void> {
  committed(what, (await sponsorPost(opts, `/${opts.trial}/${step}`, body)) as TrialCommitted);
}

function report(checked: Checked): void {
  for (const line of checked.lines) console.log(line);
  if (!checked.ok) process.exitCode = 1;
}

const withApi = (command: Command): Command =>
  command
    .requiredOption('--api <url>', "a node's API, e.g. https://sponsor.example.org:8081")
    .option('--ca <file>', "trust only this CA certificate for the node's HTTPS (tls/api-ca.pem)")
    .option('--insecure-http', 'allow an http:// API beyond this machine');
const withTrial = (command: Command): Command =>
  withApi(command).requiredOption('--trial <id>', 'the trial id (64 hex, the registration tx hash)', hex(32));
const withPatientKey = (command: Command): Command =>
  withTrial(command).requiredOption('--key <file>', 'your key file from `carechain patient keygen`');

function patientClient(opts: ApiOptions & { key: string; audience?: string }): PatientClient {
  checkApiUrl(opts.api, { insecureHttp: opts.insecureHttp === true });
  const key = readKeyFile(opts.key);
  const { pseudonym } = readJson(opts.key);
  const name = typeof pseudonym === 'string' ? pseudonym : undefined;
  return new PatientClient(opts.api, key.seed, name, opts.audience, fetchFor(opts.ca));
}

/** The outcomes a verdict is judged against, from the registration or amendment tx itself (its hash checked). */
async function registeredOutcomes(opts: TrialOptions, version: number): Promise<RegisteredOutcome[]> {
  const page = (await call(opts, 'GET', `${TRIALS_PATH}/${opts.trial}`)) as TrialPageAnswer;
  const entry = page.versions.find((v) => v.version === version);
  if (entry === undefined) throw new NodeError('config.invalid', `the trial has no version ${version}`);
  const stored = (await call(opts, 'GET', `/api/v1/txs/${entry.txHash}`)) as StoredTxAnswer;
  const tx = stored.tx as SignedTx;
  const outcomes = (tx.payload as { registration?: { outcomes?: unknown } }).registration?.outcomes;
  if (txHash(tx) !== entry.txHash || !Array.isArray(outcomes)) {
    throw new NodeError('config.invalid', `the node served another tx than ${entry.txHash}`);
  }
  return outcomes as RegisteredOutcome[];
}

function publicCommands(trials: Command): void {
  withApi(trials.command('list'))
    .description('the public registry: every trial, its version, enrolment and results clock')
    .option('--nct <number>', 'only the trial with this ClinicalTrials.gov number')
    .action(async (opts: ApiOptions & { nct?: string }) => {
      const query = opts.nct === undefined ? '' : `?nct=${encodeURIComponent(opts.nct)}`;
      const { trials: found } = (await call(opts, 'GET', `${TRIALS_PATH}${query}`)) as RegistryAnswer;
      for (const t of found) {
        console.log(
          `${t.id}  ${t.nct ?? '-'}  v${t.version}  ${t.enrolments} enrolled  results ${t.resultsClock}  ${t.title}`,
        );
      }
    });

  withTrial(trials.command('show'))
    .description("a trial's page as JSON: every protocol version, counts per site, SAEs, the results clock")
    .action(async (opts: TrialOptions) => print(await call(opts, 'GET', `${TRIALS_PATH}/${opts.trial}`)));

  withTrial(trials.command('export'))
    .description('the registration in force as ClinicalTrials.gov v2 JSON and as a FHIR ResearchStudy')
    .action(async (opts: TrialOptions) => {
      print(await call(opts, 'GET', `${TRIALS_PATH}/${opts.trial}/export`));
    });

  withTrial(trials.command('verdict'))
    .description(
      'the outcome-switching verdict, checked here: each proof against the outcome root, the root against the registration tx; exits 1 if any check fails',
    )
    .action(async (opts: TrialOptions) => {
      const verdict = (await call(opts, 'GET', `${TRIALS_PATH}/${opts.trial}/verdict`)) as VerdictAnswer;
      const registered = await registeredOutcomes(opts, verdict.baselineVersion);
      report(checkVerdict(verdict, registered));
    });

  withTrial(trials.command('allocations'))
    .description(
      'every allocation, recomputed here from the revealed seed after unblinding; exits 1 if any differs',
    )
    .action(async (opts: TrialOptions) => {
      const answer = (await call(
        opts,
        'GET',
        `${TRIALS_PATH}/${opts.trial}/allocations`,
      )) as AllocationsAnswer;
      const page = (await call(opts, 'GET', `${TRIALS_PATH}/${opts.trial}`)) as TrialPageAnswer;
      const current = page.versions[page.versions.length - 1]!;
      report(
        checkAllocations(
          answer,
          current.registration.arms.map((a) => a.label),
        ),
      );
    });
}

function sponsorCommands(trials: Command): void {
  trials
    .command('commit')
    .description(
      'a salted commitment to a document (protocol or SAP) for `register`; keep the salt file: it and the document open the commitment',
    )
    .argument('<file>', 'the document')
    .requiredOption('--salt-out <file>', 'where to write the salt (mode 0600; not overwritten)')
    .action((file: string, opts: { saltOut: string }) => {
      const salt = new Uint8Array(randomBytes(COMMITMENT_SALT_BYTES));
      const commitment = commitDocument(new Uint8Array(readFileSync(file)), salt);
      const saltFile: DocumentSaltFile = { commitment, salt: toHex(salt) };
      writeFileSync(opts.saltOut, JSON.stringify(saltFile) + '\n', {
        mode: 0o600,
        flag: 'wx',
      });
      console.log(commitment);
    });

  const withCommitments = (command: Command) =>
    command
      .requiredOption('--study <file>', 'ClinicalTrials.gov v2 study JSON, or a FHIR R4 ResearchStudy')
      .requiredOption(
        '--protocol <commitment>',
        "the protocol's salted commitment, from `carechain trials commit protocol.pdf`",
        hex(32),
      )
      .requiredOption(
        '--sap <commitment>',
        "the statistical analysis plan's, from `carechain trials commit sap.pdf`",
        hex(32),
      );
  /** The study file and the two commitments, as --study, --protocol and --sap give them. */
  type StudyOptions = { study: string; protocol: string; sap: string };
  const studyBody = (opts: StudyOptions) => ({
    ...studyFields(opts.study),
    protocolCommitment: opts.protocol,
    sapCommitment: opts.sap,
  });

  withCommitments(withApi(trials.command('register')))
    .description(`register a trial before it enrols anyone (sponsor's staff; token in ${TOKEN_ENV})`)
    .action(async (opts: ApiOptions & StudyOptions) => {
      const answer = (await sponsorPost(opts, '', studyBody(opts))) as RegisteredTrialAnswer;
      console.log(answer.id);
    });

  withCommitments(withTrial(trials.command('amend')))
    .description('a new protocol version with its reason; a material change asks participants to re-consent')
    .requiredOption('--reason <text>', 'why the protocol changes (public)')
    .action(async (opts: TrialOptions & StudyOptions & { reason: string }) => {
      const body = { ...studyBody(opts), reason: opts.reason };
      const answer = (await sponsorPost(opts, `/${opts.trial}/amendments`, body)) as AmendedTrialAnswer;
      console.log(`version ${answer.version}${answer.diff.material ? ' (material: re-consent needed)' : ''}`);
      print(answer.diff);
    });

  withTrial(trials.command('seed'))
    .description('make the randomisation seed here and commit to it before the first enrolment')
    .requiredOption('--seed-out <file>', 'where the seed is kept until unblinding (mode 0600)')
    .action(async (opts: TrialOptions & { seedOut: string }) => {
      refuseToOverwrite(opts.seedOut, 'a seed');
      const seed = toHex(new Uint8Array(randomBytes(32)));
      // Kept before it is committed to: a commitment to a lost seed could never be opened.
      writeFileSync(opts.seedOut, JSON.stringify({ trialId: opts.trial, seed }) + '\n', {
        mode: 0o600,
        flag: 'wx',
      });
      await sponsorCommit(opts, 'seed', { seedCommitment: seedCommitment(seed) }, 'seed committed');
    });

  withTrial(trials.command('allocate'))
    .description('record that an enrolled participant was allocated (the arm stays blind)')
    .requiredOption('--enrolment <txHash>', "the participant's enrolment tx hash", hex(32))
    .action((opts: TrialOptions & { enrolment: string }) =>
      sponsorCommit(opts, 'allocations', { enrolTxHash: opts.enrolment }, 'allocated'),
    );

  withTrial(trials.command('lock'))
    .description('lock the SAP and the database (required before unblinding)')
    .requiredOption('--database-digest <hex>', 'SHA-256 of the locked database export', hex(32))
    .action((opts: TrialOptions & { databaseDigest: string }) =>
      sponsorCommit(opts, 'lock', { databaseDigest: opts.databaseDigest }, 'locked'),
    );

  withTrial(trials.command('unblind'))
    .description('reveal the seed from `seed`; anyone can then recompute every allocation')
    .requiredOption('--seed-file <file>', 'the file `carechain trials seed` wrote')
    .action(async (opts: TrialOptions & { seedFile: string }) => {
      const { seed } = readJson(opts.seedFile);
      if (typeof seed !== 'string') throw new NodeError('config.invalid', `${opts.seedFile} holds no seed`);
      await sponsorCommit(opts, 'unblind', { seed }, 'unblinded');
    });

  withTrial(trials.command('results'))
    .description('post results: a ClinicalTrials.gov v2 study with its resultsSection')
    .requiredOption('--study <file>', 'the study JSON with resultsSection')
    .action((opts: TrialOptions & { study: string }) =>
      sponsorCommit(opts, 'results', { study: readJson(opts.study) }, 'results posted'),
    );
}

function patientCommands(trials: Command): void {
  withPatientKey(trials.command('enrol'))
    .description('enrol at a site, consenting (signed with your key) to the protocol version named')
    .requiredOption('--site <org>', 'the site organisation id, e.g. hospital')
    .requiredOption('--version <n>', "the trial's current protocol version", positive)
    .action(async (opts: TrialOptions & { key: string; site: string; version: number }) => {
      const answer = await patientClient(opts).enrolInTrial(opts.trial, opts.site, opts.version);
      committed('enrolled', answer);
    });

  withPatientKey(trials.command('reconsent'))
    .description('consent to an amended protocol version; your data flows again under it')
    .requiredOption('--version <n>', "the trial's current protocol version", positive)
    .action(async (opts: TrialOptions & { key: string; version: number }) => {
      committed('re-consented', await patientClient(opts).reconsentToTrial(opts.trial, opts.version));
    });

  withPatientKey(trials.command('withdraw'))
    .description('withdraw: no further data flows to the sponsor; the sponsor sees the count')
    .action(async (opts: TrialOptions & { key: string }) => {
      committed('withdrawn', await patientClient(opts).withdrawFromTrial(opts.trial));
    });

  withApi(trials.command('mine'))
    .description('your trials (logs in with your key): consent per version, re-consent needed, data flow')
    .requiredOption('--key <file>', 'your key file from `carechain patient keygen`')
    .option(
      '--audience <url>',
      "the node's FHIR base URL, if not <api>/fhir/R4: login signs only a challenge naming it",
    )
    .action(async (opts: ApiOptions & { key: string; audience?: string }) => {
      const client = patientClient(opts);
      const { accessToken } = await client.login();
      print(await client.myTrials(accessToken));
    });
}

export function trialsCommand(): Command {
  const trials = new Command('trials').description(
    `clinical-trial transparency: the public registry and verdicts (checked here), the sponsor's writes (token in ${TOKEN_ENV}), a patient's enrolment, re-consent and withdrawal`,
  );
  publicCommands(trials);
  sponsorCommands(trials);
  patientCommands(trials);
  return trials;
}
