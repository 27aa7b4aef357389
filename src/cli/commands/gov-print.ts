// How `carechain gov` prints the governance API's answers for a person (--json prints them as they are).
// Everything shown is public on chain: organisation ids, keys, votes and their reasons.
import type { ProposalAction } from '../../app/governance/types.ts';
import type {
  ProposalAnswer,
  ProposalList,
  ProposalView,
  ValidatorsAnswer,
} from '../../contract/governance.ts';

/** A key shortened for a table row; `show --json` and `validators --json` carry it whole. */
const short = (key: string): string => `${key.slice(0, 12)}…`;

/** One line for what a proposal asks. */
export function describeAction(action: ProposalAction): string {
  switch (action.kind) {
    case 'add-member':
      return `add-member ${action.orgId} (${action.type}, power ${action.power}, node key ${short(action.nodeKey)})`;
    case 'suspend-member':
    case 'reinstate-member':
    case 'remove-member':
      return `${action.kind} ${action.orgId}`;
    case 'validator-power':
      return `validator-power ${short(action.publicKey)} to ${action.power}`;
    case 'rotate-validator-key':
      return `rotate-validator-key ${short(action.publicKey)} to ${short(action.newKey)}`;
    case 'set-parameter':
      return `set-parameter ${action.name} = ${JSON.stringify(action.value)}`;
  }
}

function statusLine(p: ProposalView): string {
  if (p.status === 'open' || p.status === 'expired')
    return `${p.status}, voting until block ${p.votingEndsAtHeight}`;
  const decided = `${p.status} at block ${p.decidedAtHeight}`;
  if (p.activationHeight !== null) return `${decided}, activation at block ${p.activationHeight}`;
  if (p.voidReason !== null) return `${decided} (${p.voidReason})`;
  return decided;
}

const tallyLine = (p: ProposalView): string =>
  `yes ${p.tally.yes}, no ${p.tally.no}, veto ${p.tally.veto} of ${p.electorate.length} members`;

export function printProposals(answer: ProposalList): void {
  if (answer.proposals.length === 0) {
    console.log(`no proposals (block ${answer.height})`);
    return;
  }
  console.log(`proposals at block ${answer.height}, newest first:`);
  for (const p of answer.proposals) {
    console.log(`${p.id}  ${statusLine(p)}`);
    console.log(`  ${describeAction(p.action)}; ${tallyLine(p)}; by ${p.proposerOrgId}`);
  }
}

export function printProposal(answer: ProposalAnswer): void {
  const p = answer.proposal;
  console.log(`proposal ${p.id} (as of block ${answer.height})`);
  console.log(`  action:   ${describeAction(p.action)}`);
  console.log(`  by:       ${p.proposerOrgId} at block ${p.proposedAtHeight}: ${JSON.stringify(p.reason)}`);
  console.log(`  status:   ${statusLine(p)}`);
  console.log(`  tally:    ${tallyLine(p)} (passes above 2/3 yes, rejected above 1/3 veto)`);
  console.log(`  electorate: ${p.electorate.join(', ')}`);
  if (answer.votes.length === 0) console.log('  votes:    none yet');
  else console.log('  votes:');
  for (const v of answer.votes) {
    console.log(
      `    ${v.orgId.padEnd(16)} ${v.choice.padEnd(4)} at block ${v.height}: ${JSON.stringify(v.reason)}`,
    );
  }
}

export function printValidators(answer: ValidatorsAnswer): void {
  console.log(`validator set at block ${answer.height} (hash ${answer.validatorSetHash}):`);
  for (const v of answer.validators) console.log(`  ${v.name.padEnd(16)} power ${v.power}  ${v.publicKey}`);
  for (const s of answer.pending) {
    const names = s.validators.map((v) => `${v.name} ${v.power}`).join(', ');
    console.log(`scheduled at block ${s.height} (proposal ${s.proposalId}): ${names}`);
  }
  for (const h of answer.history) {
    console.log(`changed at block ${h.height} by proposal ${h.proposalId}: set ${h.validatorSetHash}`);
  }
}
