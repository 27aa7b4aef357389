// `carechain gov …`: network governance from a terminal (issue 15), over any node's public API. Reads
// (list, show, validators) need nothing but the URL. A proposal or vote is a tx signed here with the
// organisation's admin key (the admin-key.json `carechain init` made), which never leaves this machine;
// every node's ledger checks that the signer is an active member's admin (src/client/governance-client.ts).
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { VALIDATOR_POWER_MAX } from '../../app/governance/parse.ts';
import { NETWORK_PARAMETERS, VOTE_CHOICES, type VoteChoice } from '../../app/governance/types.ts';
import type { CanonicalValue } from '../../core/canonical.ts';
import { GovernanceClient, type GovernanceWriteAnswer } from '../../client/governance-client.ts';
import { parseMember } from '../../node/config.ts';
import { NodeError } from '../../node/errors.ts';
import { createKeyFile, readKeyFile } from '../../node/keys.ts';
import { hex, integer, nodeApi, withNodeApi, type NodeApiOptions } from '../options.ts';
import { describeAction, printProposal, printProposals, printValidators } from './gov-print.ts';

interface ReadOptions extends NodeApiOptions {
  readonly json?: boolean;
}

interface WriteOptions extends NodeApiOptions {
  readonly key: string;
  readonly reason: string;
}

function client(opts: NodeApiOptions): GovernanceClient {
  const api = nodeApi(opts);
  return new GovernanceClient(api.url, api.fetch);
}

const withReads = (command: Command): Command =>
  withNodeApi(command).option('--json', "print the node's answer as JSON");

const withWrites = (command: Command, reasonRequired: boolean): Command => {
  const c = withNodeApi(command).requiredOption(
    '--key <file>',
    "your organisation's admin key file (admin-key.json from `carechain init`); it signs here and is never sent",
  );
  const help = 'why, in words everyone can read on chain (public; never patient data)';
  return reasonRequired ? c.requiredOption('--reason <text>', help) : c.option('--reason <text>', help, '');
};

/** Voting power as the ledger bounds it (app/governance/parse.ts). */
const power = integer(0, VALIDATOR_POWER_MAX);

function choice(value: string): VoteChoice {
  if (!(VOTE_CHOICES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`a vote is ${VOTE_CHOICES.join(', ')}`);
  }
  return value as VoteChoice;
}

/** A parameter's value: JSON (a number, an object) where it parses, else the text as given (a policy name). */
function parameterValue(value: string): CanonicalValue {
  try {
    return JSON.parse(value) as CanonicalValue;
  } catch {
    return value;
  }
}

function printWritten(answer: GovernanceWriteAnswer, what: string): void {
  if (!answer.committed) {
    console.log(`${what}: tx ${answer.txHash} accepted, not final yet; see \`carechain gov list\``);
    return;
  }
  const p = answer.proposal;
  const activation = p.activationHeight === null ? '' : `, activation at block ${p.activationHeight}`;
  console.log(`${what} ${p.id} at block ${answer.height}: ${p.status}${activation}`);
  console.log(
    `  ${describeAction(p.action)}; yes ${p.tally.yes}, no ${p.tally.no}, veto ${p.tally.veto} of ${p.electorate.length} members; voting until block ${p.votingEndsAtHeight}`,
  );
}

/** Signs and sends one proposal with the admin key of --key. */
async function propose(opts: WriteOptions, action: object): Promise<void> {
  const admin = readKeyFile(opts.key);
  const answer = await client(opts).propose(admin.seed, action as never, opts.reason);
  printWritten(answer, 'proposal');
}

function proposeCommand(): Command {
  const proposeGroup = new Command('propose').description(
    'propose a change, signed with your admin key; it passes when more than 2/3 of the member organisations vote yes within the voting period, and is rejected when more than 1/3 veto',
  );

  withWrites(proposeGroup.command('add-member'), true)
    .description(
      'admit an organisation from the member.json its `carechain init` wrote (org id, type, node and admin keys, power); power above 0 makes its node a validator from the activation height',
    )
    .requiredOption('--member <file>', 'the newcomer’s member.json')
    .option(
      '--power <n>',
      "voting power instead of the member file's (0: a member that does not validate)",
      power,
    )
    .action(async (opts: WriteOptions & { member: string; power?: number }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(opts.member, 'utf8'));
      } catch {
        throw new NodeError('member.invalid', `cannot read the member file ${opts.member}`);
      }
      const m = parseMember(parsed, opts.member);
      await propose(opts, {
        kind: 'add-member',
        orgId: m.name,
        name: m.name,
        type: m.type,
        adminKey: m.adminKey,
        nodeKey: m.publicKey,
        power: opts.power ?? m.power,
      });
    });

  const memberChanges = [
    ['suspend-member', 'suspend an organisation: its admin and node keys stop counting until reinstated'],
    ['reinstate-member', 'reinstate a suspended organisation'],
    [
      'remove-member',
      'remove an organisation for good; its validator leaves the set and its node is cut off',
    ],
  ] as const;
  for (const [kind, description] of memberChanges) {
    withWrites(proposeGroup.command(kind), true)
      .description(description)
      .requiredOption('--org <id>', 'the organisation id, e.g. insurer')
      .action((opts: WriteOptions & { org: string }) => propose(opts, { kind, orgId: opts.org }));
  }

  withWrites(proposeGroup.command('validator-power'), true)
    .description(
      "set a member node key's voting power: 0 takes it out of the validator set; one activation may move less than 1/3 of the total power",
    )
    .requiredOption('--validator <hex>', "the validator's node public key (hex)", hex(32))
    .requiredOption('--power <n>', 'the new voting power', power)
    .action((opts: WriteOptions & { validator: string; power: number }) =>
      propose(opts, { kind: 'validator-power', publicKey: opts.validator, power: opts.power }),
    );

  withWrites(proposeGroup.command('rotate-validator-key'), true)
    .description(
      "move a validator's power to a new node key of the same organisation (a lost or exposed key); the node restarts with the new key once it activates",
    )
    .requiredOption('--node-key <hex>', 'the node key signing now (hex)', hex(32))
    .requiredOption('--new-key <hex>', 'the public key of the new node key (hex)', hex(32))
    .action((opts: WriteOptions & { nodeKey: string; newKey: string }) =>
      propose(opts, { kind: 'rotate-validator-key', publicKey: opts.nodeKey, newKey: opts.newKey }),
    );

  withWrites(proposeGroup.command('set-parameter'), true)
    .description('change a network parameter')
    .requiredOption('--name <name>', `one of ${NETWORK_PARAMETERS.join(', ')}`)
    .requiredOption(
      '--value <value>',
      'the new value: JSON for a number or an object (e.g. 500, {"txBytesMax":65536}), plain text otherwise (e.g. opt-out)',
      parameterValue,
    )
    .action((opts: WriteOptions & { name: string; value: CanonicalValue }) =>
      propose(opts, { kind: 'set-parameter', name: opts.name, value: opts.value }),
    );

  return proposeGroup;
}

export function govCommand(): Command {
  const gov = new Command('gov').description(
    "network governance (docs/GOVERNANCE.md): list and show proposals and the validator set; propose and vote with your organisation's admin key",
  );

  withReads(gov.command('list'))
    .description('proposals, newest first, with their status, tally and voting period')
    .option('--limit <n>', 'how many (1 to 100)', integer(1, 100), 20)
    .action(async (opts: ReadOptions & { limit: number }) => {
      const answer = await client(opts).list(opts.limit);
      if (opts.json === true) console.log(JSON.stringify(answer, null, 2));
      else printProposals(answer);
    });

  withReads(gov.command('show'))
    .description(
      'one proposal: its action, reason, status, tally, activation height and every vote with its reason',
    )
    .argument('<proposal-id>', 'the id `propose` or `list` printed', hex(32))
    .action(async (id: string, opts: ReadOptions) => {
      const answer = await client(opts).show(id);
      if (opts.json === true) console.log(JSON.stringify(answer, null, 2));
      else printProposal(answer);
    });

  withReads(gov.command('validators'))
    .description('the validator set signing now, the sets scheduled to activate, and the history of changes')
    .action(async (opts: ReadOptions) => {
      const answer = await client(opts).validators();
      if (opts.json === true) console.log(JSON.stringify(answer, null, 2));
      else printValidators(answer);
    });

  gov
    .command('keygen')
    .description(
      'make a new node key (mode 0600) for a key rotation: its public key goes in `propose rotate-validator-key --new-key`; the node starts with it once the rotation activates',
    )
    .requiredOption('--out <file>', 'where to write the key (never overwritten)')
    .action((opts: { out: string }) => {
      console.log(`public key ${createKeyFile(opts.out).publicKey}`);
    });

  gov.addCommand(proposeCommand());

  withWrites(gov.command('vote'), false)
    .description(
      'vote on an open proposal for your organisation (once); yes passes it above 2/3 of the members, veto rejects it above 1/3',
    )
    .argument('<proposal-id>', 'the proposal id', hex(32))
    .argument('<choice>', VOTE_CHOICES.join(', '), choice)
    .action(async (id: string, vote: VoteChoice, opts: WriteOptions) => {
      const admin = readKeyFile(opts.key);
      printWritten(await client(opts).vote(admin.seed, id, vote, opts.reason), `voted ${vote} on`);
    });

  return gov;
}
