// Witness policies (c2sp.org/tlog-policy): which logs sign, which witnesses cosign, and the quorum of
// witnesses (possibly by nested groups) a checkpoint needs. Parsed strictly; evaluated as a pure
// function of which witnesses' cosignatures verified.
import { CoreError } from '../errors.ts';
import {
  hasControlCharacter,
  parseVkey,
  publicKeyHex,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  type Verifier,
} from './note.ts';

export interface PolicyGroup {
  readonly threshold: number;
  readonly members: readonly string[];
}

export interface WitnessPolicy {
  readonly logs: readonly Verifier[];
  readonly witnesses: ReadonlyMap<string, Verifier>;
  readonly groups: ReadonlyMap<string, PolicyGroup>;
  /** A witness or group name, or 'none'. */
  readonly quorum: string;
}

/** The spec recommends supporting at least 32 of each; carechain's members stay below this. */
export const POLICY_ENTRIES_MAX = 256;

const invalid = (message: string, line: number) =>
  new CoreError('c2sp.policy_invalid', `line ${line}: ${message}`, { line });

export function parsePolicy(text: string): WitnessPolicy {
  // tlog-policy §Character set: tab and newline are the only control characters.
  if (hasControlCharacter(text, '\t\n') || text.includes('\x7f')) {
    throw new CoreError('c2sp.policy_invalid', 'the policy has a control character');
  }
  const logs: Verifier[] = [];
  const witnesses = new Map<string, Verifier>();
  const groups = new Map<string, PolicyGroup>();
  let quorum: string | undefined;
  const defined = (name: string) => witnesses.has(name) || groups.has(name);
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const words = raw.trim().split(/[ \t]+/);
    if (words[0] === '' || words[0]!.startsWith('#')) return;
    if (logs.length + witnesses.size + groups.size >= POLICY_ENTRIES_MAX)
      throw invalid('too many entries', line);
    const vkeyOf = (word: string | undefined, type: number) => {
      let v: Verifier;
      try {
        v = parseVkey(word ?? '');
      } catch {
        throw invalid('not a valid vkey', line);
      }
      if (v.type !== type) throw invalid(`this vkey must be of type 0x0${type}`, line);
      return v;
    };
    const [keyword, ...args] = words;
    switch (keyword) {
      case 'log': {
        if (args.length < 1 || args.length > 2) throw invalid('log <vkey> [<url>]', line);
        const v = vkeyOf(args[0], SIG_ED25519);
        if (logs.some((l) => publicKeyHex(l) === publicKeyHex(v))) throw invalid('duplicate log key', line);
        logs.push(v);
        return;
      }
      case 'witness': {
        if (args.length < 2 || args.length > 3) throw invalid('witness <name> <vkey> [<url>]', line);
        const [name] = args as [string];
        if (name === 'none' || defined(name)) throw invalid('the name is taken', line);
        const v = vkeyOf(args[1], SIG_COSIGNATURE_V1);
        if ([...witnesses.values()].some((w) => publicKeyHex(w) === publicKeyHex(v))) {
          throw invalid('duplicate witness key', line);
        }
        witnesses.set(name, v);
        return;
      }
      case 'group': {
        const [name, k, ...members] = args;
        if (name === undefined || k === undefined || members.length === 0) {
          throw invalid('group <name> <all|any|k> <member>...', line);
        }
        if (name === 'none' || defined(name)) throw invalid('the name is taken', line);
        if (members.some((m) => !defined(m))) throw invalid('a member is not defined above', line);
        if (new Set(members).size !== members.length) throw invalid('a member is listed twice', line);
        const threshold =
          k === 'all' ? members.length : k === 'any' ? 1 : /^[1-9][0-9]{0,3}$/.test(k) ? Number(k) : 0;
        if (threshold < 1 || threshold > members.length)
          throw invalid('the threshold is 1 to the members', line);
        groups.set(name, { threshold, members });
        return;
      }
      case 'quorum': {
        if (args.length !== 1 || quorum !== undefined) throw invalid('exactly one quorum <name> line', line);
        if (args[0] !== 'none' && !defined(args[0]!)) throw invalid('the quorum is not defined above', line);
        quorum = args[0]!;
        return;
      }
      default:
        throw invalid('unknown keyword', line);
    }
  });
  if (quorum === undefined) throw new CoreError('c2sp.policy_invalid', 'the policy has no quorum line');
  return { logs, witnesses, groups, quorum };
}

/** Does the set of witnesses whose cosignatures verified satisfy the policy's quorum? */
export function quorumMet(policy: WitnessPolicy, cosigned: ReadonlySet<string>): boolean {
  const met = (name: string): boolean => {
    if (name === 'none') return true;
    const group = policy.groups.get(name);
    if (group === undefined) return cosigned.has(name);
    return group.members.filter(met).length >= group.threshold;
  };
  return met(policy.quorum);
}
