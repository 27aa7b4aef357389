// `carechain ai …` (issue 20): the model registry, consent-filtered cohorts, the privacy budget and
// inference from a terminal, over a node's API (src/client/ai-client.ts). Reads of the registry and of
// cohorts need no token. Everything else acts as someone at the node, with a bearer token read from
// CARECHAIN_TOKEN (never a flag, which would sit in shell history and the process list): an
// organisation's staff register models, commit cohorts and datasets; an analyst asks counts and reads
// their budget; a clinician runs an inference; a patient lists "AI and my data". Answers print as JSON.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { AiClient } from '../../client/ai-client.ts';
import { NodeError } from '../../node/errors.ts';
import { hex, integer, nodeApi, withNodeApi, type NodeApiOptions } from '../options.ts';

/** The environment variable the bearer token is read from. */
export const AI_TOKEN_ENV = 'CARECHAIN_TOKEN';
const VERSION_MAX = 999_999;

function client(opts: NodeApiOptions, withToken: boolean): AiClient {
  const { url, fetch } = nodeApi(opts);
  const token = withToken ? process.env[AI_TOKEN_ENV] : undefined;
  if (withToken && (token === undefined || token === '')) {
    throw new NodeError('config.invalid', `set ${AI_TOKEN_ENV} to a bearer token of this node`);
  }
  return new AiClient(url, token, fetch);
}

function jsonFile(file: string, what: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    throw new NodeError('config.invalid', `${file} is not a readable JSON ${what}`);
  }
}

const print = (answer: unknown) => console.log(JSON.stringify(answer, null, 2));
const id = hex(32);
const version = integer(1, VERSION_MAX);

interface RegisterOptions extends NodeApiOptions {
  readonly card: string;
  readonly artefact: string;
  readonly name: string;
  readonly intendedUse: string;
  readonly changePlan: string;
  readonly cohort: string;
  readonly model?: string;
  readonly version: number;
  readonly parent?: number;
}

function registryCommands(ai: Command): void {
  withNodeApi(ai.command('models'))
    .description('every registered model version, as the chain has it')
    .action(async (opts: NodeApiOptions) => print(await client(opts, false).models()));

  withNodeApi(ai.command('model'))
    .description("a model's lineage and rounds, or one version with its card, AI Device and artefact")
    .argument('<modelId>', 'the model id (64 hex)', id)
    .option('--version <n>', 'one version, with the documents behind its hashes', version)
    .action(async (modelId: string, opts: NodeApiOptions & { version?: number }) => {
      const api = client(opts, false);
      print(
        opts.version === undefined ? await api.lineage(modelId) : await api.version(modelId, opts.version),
      );
    });

  withNodeApi(ai.command('register'))
    .description('register a model version with its HTI-1 card (staff of the developing organisation)')
    .requiredOption('--card <file>', 'the 31 HTI-1 source attributes as JSON')
    .requiredOption('--artefact <file>', 'the model as JSON: { kind, condition, features, weights }')
    .requiredOption('--name <name>', 'the model’s name, for its AI Device')
    .requiredOption('--intended-use <text>', 'what the model is for')
    .requiredOption('--change-plan <text>', 'how later versions are trained, validated and released')
    .requiredOption('--cohort <id>', 'the training cohort (64 hex)', id)
    .option('--model <id>', 'the model, for a later version (absent: a new model)', id)
    .option('--version <n>', 'the version number', version, 1)
    .option('--parent <n>', 'the earlier version this one builds on', version)
    .action(async (opts: RegisterOptions) =>
      print(
        await client(opts, true).registerModel({
          ...(opts.model === undefined ? {} : { modelId: opts.model }),
          version: opts.version,
          parentVersion: opts.parent ?? null,
          name: opts.name,
          card: jsonFile(opts.card, 'model card'),
          artefact: jsonFile(opts.artefact, 'model artefact'),
          intendedUse: opts.intendedUse,
          changePlan: opts.changePlan,
          cohortId: opts.cohort,
        }),
      ),
    );

  withNodeApi(ai.command('withdraw'))
    .description('withdraw a model version (staff of the developing organisation)')
    .argument('<modelId>', 'the model id (64 hex)', id)
    .requiredOption('--version <n>', 'the version', version)
    .action(async (modelId: string, opts: NodeApiOptions & { version: number }) =>
      print(await client(opts, true).withdraw(modelId, opts.version)),
    );
}

function dataCommands(ai: Command): void {
  withNodeApi(ai.command('cohort'))
    .description('commit a cohort here from a query file, or show every custodian’s commitment')
    .argument('[cohortId]', 'show this cohort (64 hex)', id)
    .option('--query <file>', 'commit: { name, condition (SNOMED CT), features (LOINC codes) } as JSON')
    .action(async (cohortId: string | undefined, opts: NodeApiOptions & { query?: string }) => {
      if (cohortId !== undefined) return print(await client(opts, false).cohort(cohortId));
      if (opts.query === undefined) throw new NodeError('config.invalid', 'name a cohort id or --query');
      const query = jsonFile(opts.query, 'cohort query') as never;
      print(await client(opts, true).commitCohort({ query, purpose: 'HRESCH' }));
    });

  withNodeApi(ai.command('dataset'))
    .description('offer this custodian’s share of a cohort to analytics, with an ε limit per analyst')
    .requiredOption('--cohort <id>', 'a cohort this node committed (64 hex)', id)
    .requiredOption('--limit-milli <n>', 'ε per analyst, in thousandths', integer(1, 1_000_000))
    .action(async (opts: NodeApiOptions & { cohort: string; limitMilli: number }) =>
      print(await client(opts, true).registerDataset({ cohortId: opts.cohort, limitMilli: opts.limitMilli })),
    );

  withNodeApi(ai.command('budget'))
    .description('your remaining ε on a dataset, as the chain has it (analyst)')
    .argument('<datasetId>', 'the dataset id (64 hex)', id)
    .action(async (datasetId: string, opts: NodeApiOptions) =>
      print(await client(opts, true).budget(datasetId)),
    );

  withNodeApi(ai.command('count'))
    .description('a differentially private count of the dataset’s patients with a record (analyst)')
    .requiredOption('--dataset <id>', 'the dataset id (64 hex)', id)
    .requiredOption('--epsilon-milli <n>', 'ε to spend, in thousandths', integer(1, 1_000_000))
    .requiredOption('--resource-type <type>', 'Condition or Observation')
    .option('--code <code>', 'only records with this code')
    .action(
      async (
        opts: NodeApiOptions & { dataset: string; epsilonMilli: number; resourceType: string; code?: string },
      ) =>
        print(
          await client(opts, true).analytics({
            datasetId: opts.dataset,
            epsilonMilli: opts.epsilonMilli,
            query: {
              kind: 'count',
              resourceType: opts.resourceType,
              ...(opts.code === undefined ? {} : { code: opts.code }),
            },
          }),
        ),
    );

  withNodeApi(ai.command('infer'))
    .description('run a model on a patient held here: a logged read, written back labelled AIAST (clinician)')
    .requiredOption('--model <id>', 'the model id (64 hex)', id)
    .requiredOption('--version <n>', 'the version', version)
    .requiredOption('--patient <id>', 'the FHIR id of the Patient at this node')
    .action(async (opts: NodeApiOptions & { model: string; version: number; patient: string }) =>
      print(
        await client(opts, true).infer({ modelId: opts.model, version: opts.version, patient: opts.patient }),
      ),
    );

  withNodeApi(ai.command('mine'))
    .description('AI and my data: the models your data trained here, and every AI inference (patient)')
    .action(async (opts: NodeApiOptions) => print(await client(opts, true).mine()));
}

export function aiCommand(): Command {
  const ai = new Command('ai').description(
    `AI on consented data: model registry, cohorts, privacy budget and inference (token from ${AI_TOKEN_ENV})`,
  );
  registryCommands(ai);
  dataCommands(ai);
  return ai;
}
