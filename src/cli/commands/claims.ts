// `carechain claims …`: claims and prior authorisation from a terminal, over any member node's API
// (src/client/claims-client.ts). Reads and replays need no token: they are computed from the chain every
// member holds. Submitting or inquiring a PAS request, and a payer's decision, need a staff token of the
// node's organisation, taken from CARECHAIN_TOKEN (never a command-line argument, which other users of
// the machine can read in the process list). Every answer is printed as JSON.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { REVIEW_ACTIONS, type ClaimFacts, type ReviewAction } from '../../app/claims/index.ts';
import { ClaimsClient } from '../../client/claims-client.ts';
import type { DecisionBody } from '../../contract/claims.ts';
import { checkApiUrl } from '../../node/api-tls.ts';
import { NodeError } from '../../node/errors.ts';
import { loadNodeConfig } from '../../node/config.ts';
import { NETWORK_KEY_FILE, wrapNetworkKey, writeNetworkKeyFile } from '../../node/claims/network-key.ts';
import { fetchFor } from '../ca-fetch.ts';

/** The environment variable a staff bearer token is read from. */
export const TOKEN_ENV = 'CARECHAIN_TOKEN';

interface ApiOptions {
  readonly api: string;
  readonly ca?: string;
  readonly insecureHttp?: boolean;
}

function client(opts: ApiOptions, withToken: boolean): ClaimsClient {
  checkApiUrl(opts.api, { insecureHttp: opts.insecureHttp === true });
  const token = withToken ? process.env[TOKEN_ENV] : undefined;
  if (withToken && (token === undefined || token === '')) {
    throw new NodeError(
      'config.invalid',
      `set ${TOKEN_ENV} to a staff bearer token of the node's organisation`,
    );
  }
  return new ClaimsClient(opts.api, token, fetchFor(opts.ca));
}

function readJsonFile(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new NodeError('config.invalid', `${file} is not a readable JSON ${what}`);
  }
}

const print = (answer: unknown) => console.log(JSON.stringify(answer, null, 2));

function hex32(value: string): string {
  if (!/^[0-9a-f]{64}$/.test(value)) throw new InvalidArgumentError('expected 32 bytes of lowercase hex');
  return value;
}

function reviewAction(value: string): ReviewAction {
  if (!(REVIEW_ACTIONS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`an X12 306 action: ${REVIEW_ACTIONS.join(', ')}`);
  }
  return value as ReviewAction;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

/** What commander parses of `decide`: the body's action, and its number only when given. */
type DecideOptions = Pick<DecisionBody, 'action'> & { readonly authNumber?: string };

const withApi = (command: Command): Command =>
  command
    .requiredOption('--api <url>', "a member node's API, e.g. https://insurer.example.org:8081")
    .option('--ca <file>', "trust only this CA certificate for the node's HTTPS")
    .option(
      '--insecure-http',
      'allow an http:// API beyond this machine (a token would cross in clear text)',
    );

export function claimsCommand(): Command {
  const claims = new Command('claims').description(
    `claims and prior authorisation (Da Vinci PAS): chain-only reads, replays, PAS requests and payer decisions (writes read a staff token from ${TOKEN_ENV})`,
  );

  withApi(claims.command('show'))
    .description("a claim's commitment, status, line verdicts and adjudication digest")
    .argument('<claimId>', 'the claim id (64 hex)', hex32)
    .action(async (claimId: string, opts: ApiOptions) => print(await client(opts, false).claim(claimId)));

  withApi(claims.command('fingerprint'))
    .description('which claim holds a line now: a duplicate check, without any claim content')
    .argument('<fingerprint>', 'the line fingerprint (64 hex)', hex32)
    .action(async (fp: string, opts: ApiOptions) => print(await client(opts, false).fingerprint(fp)));

  withApi(claims.command('rules'))
    .description("a payer's published rule table (fee schedule, PTP and MUE edits, plans)")
    .argument('<payer>', "the payer's organisation id, e.g. insurer")
    .option('--version <n>', 'a published version (default the latest)', positive)
    .action(async (payer: string, opts: ApiOptions & { version?: number }) =>
      print(await client(opts, false).rules(payer, opts.version)),
    );

  withApi(claims.command('replay'))
    .description('re-run a committed adjudication from the claim facts; prints whether the digest matches')
    .argument('<claimId>', 'the claim id (64 hex)', hex32)
    .requiredOption('--facts <file>', 'the claim facts as JSON (planId, use, type, items, …)')
    .action(async (claimId: string, opts: ApiOptions & { facts: string }) => {
      const facts = readJsonFile(opts.facts, 'claim facts') as ClaimFacts;
      const answer = await client(opts, false).replay(claimId, facts);
      print(answer);
      if (!answer.matches) process.exitCode = 1;
    });

  withApi(claims.command('prior-auth'))
    .description('a prior-authorisation request: its decision, the deadline and whether it was met')
    .argument('<requestId>', 'the request id (64 hex; the ClaimResponse id $submit answered)', hex32)
    .action(async (id: string, opts: ApiOptions) => print(await client(opts, false).priorAuth(id)));

  withApi(claims.command('metrics'))
    .description("every member insurer's PA figures (CMS-0057-F), computed from the chain alone")
    .option('--payer <org>', 'one payer only')
    .action(async (opts: ApiOptions & { payer?: string }) =>
      print(await client(opts, false).metrics(opts.payer)),
    );

  withApi(claims.command('submit'))
    .description('send a PAS request Bundle to Claim/$submit at your own node (staff token)')
    .argument('<bundle>', 'the PAS request Bundle as a JSON file')
    .action(async (file: string, opts: ApiOptions) =>
      print(await client(opts, true).submitPriorAuth(readJsonFile(file, 'PAS Bundle'))),
    );

  withApi(claims.command('inquire'))
    .description('ask Claim/$inquire at your own node where a PAS request stands (staff token)')
    .argument('<bundle>', 'the PAS request Bundle as a JSON file')
    .action(async (file: string, opts: ApiOptions) =>
      print(await client(opts, true).inquirePriorAuth(readJsonFile(file, 'PAS Bundle'))),
    );

  withApi(claims.command('decide'))
    .description("the payer's answer to a PA request, at the payer's node (claims officer's token)")
    .argument('<requestId>', 'the request id (64 hex)', hex32)
    .requiredOption('--action <code>', `X12 306: ${REVIEW_ACTIONS.join(', ')} (A4 pends)`, reviewAction)
    .option('--auth-number <n>', 'the authorisation number, when certifying')
    .action(async (id: string, opts: ApiOptions & DecideOptions) =>
      print(
        await client(opts, true).decide(id, { action: opts.action, authNumber: opts.authNumber ?? null }),
      ),
    );

  claims
    .command('share-key')
    .description(
      "wrap this node's claims fingerprint key for a member node that joined later (its node key alone opens the file)",
    )
    .requiredOption('--config <file>', "this node's node.json (its claims.networkKeyFile must be set)")
    .requiredOption(
      '--to <publicKey>',
      "the joining member's node public key (64 hex), as registered on chain",
      hex32,
    )
    .requiredOption('--out <file>', 'where to write the wrapped key for the joining member')
    .action((opts: { config: string; to: string; out: string }) => {
      const config = loadNodeConfig(opts.config);
      if (config.claimsNetworkKey === undefined) {
        throw new NodeError('config.invalid', `${opts.config} names no claims.networkKeyFile`);
      }
      const file = wrapNetworkKey(config.claimsNetworkKey, String(config.genesis.chainId), opts.to);
      writeNetworkKeyFile(opts.out, file);
      console.log(
        `Wrote ${opts.out}: the claims fingerprint key wrapped for ${opts.to}. Send it to that member; it ` +
          `goes into their node folder as ${NETWORK_KEY_FILE}, named in node.json's claims.networkKeyFile.`,
      );
    });

  return claims;
}
