// Facts about the network the app shows in words: organisation names and types from genesis (the
// membership module's initial state), fetched once per page load.
import { useEffect, useState } from 'react';
import type { GenesisAnswer } from '../../../src/contract/ledger.ts';
import type { Genesis } from '../../../src/core/genesis.ts';
import {
  BASE_POLICY_DEFAULT,
  parseRecordsGenesis,
  type BasePolicy,
} from '../../../src/app/records/policy.ts';
import { getGenesis, getStatus } from './ledger.ts';

export interface OrgInfo {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly nodeKeys: readonly string[];
}

let genesisPromise: Promise<GenesisAnswer> | undefined;

export function loadGenesis(): Promise<GenesisAnswer> {
  genesisPromise ??= getGenesis().catch((err: unknown) => {
    genesisPromise = undefined;
    throw err;
  });
  return genesisPromise;
}

export function orgsOf(genesis: Genesis): OrgInfo[] {
  const app = (genesis.app ?? {}) as { membership?: { organisations?: unknown } };
  const list = app.membership?.organisations;
  if (!Array.isArray(list)) return [];
  return list.flatMap((o: unknown) => {
    const org = (o ?? {}) as Record<string, unknown>;
    return typeof org.id === 'string'
      ? [
          {
            id: org.id,
            name: typeof org.name === 'string' ? org.name : org.id,
            type: typeof org.type === 'string' ? org.type : '',
            nodeKeys: Array.isArray(org.nodeKeys)
              ? org.nodeKeys.filter((k): k is string => typeof k === 'string')
              : [],
          },
        ]
      : [];
  });
}

/** A fact read from the network's genesis once it has loaded; undefined until then (or on failure). */
function useGenesisFact<T>(pick: (genesis: Genesis) => T): T | undefined {
  const [fact, setFact] = useState<T>();
  useEffect(() => {
    let live = true;
    loadGenesis()
      .then((g) => live && setFact(() => pick(g.genesis)))
      .catch(() => {});
    return () => {
      live = false;
    };
    // The genesis never changes in a page's life: read it once.
  }, []);
  return fact;
}

/** One empty list, so that a component's effects on the organisations do not re-run every render. */
const NO_ORGS: OrgInfo[] = [];

export function useOrgs(): OrgInfo[] {
  return useGenesisFact(orgsOf) ?? NO_ORGS;
}

export function orgNamer(orgs: readonly OrgInfo[]): (id: string) => string {
  return (id) => orgs.find((o) => o.id === id)?.name ?? id;
}

/** The organisation whose node serves this page (its node key is in that organisation's genesis entry). */
export function useThisOrg(): string | undefined {
  const orgs = useOrgs();
  const [nodeId, setNodeId] = useState<string>();
  useEffect(() => {
    getStatus()
      .then((s) => setNodeId(s.nodeId))
      .catch(() => {});
  }, []);
  return orgs.find((o) => nodeId !== undefined && o.nodeKeys.includes(nodeId))?.id;
}

/** The network's base policy for records (genesis app.records.basePolicy; opt-in when it names none). */
export function basePolicyOf(genesis: Genesis): BasePolicy {
  try {
    return parseRecordsGenesis(genesis)?.basePolicy ?? BASE_POLICY_DEFAULT;
  } catch {
    return BASE_POLICY_DEFAULT;
  }
}

/** Each base policy in words, for the explorer and the patient portal (docs/SECURITY.md "Issue 13"). */
export const BASE_POLICY_WORDS: Record<BasePolicy, string> = {
  'opt-in': 'Opt-in: nobody reads your records unless you allow it.',
  'treatment-relationship':
    'Treatment relationship: the clinicians of an organisation that keeps your records may read them to treat you, unless you refuse; anyone else needs your permission.',
  'opt-out':
    'Opt-out: clinicians of any hospital or clinic may read your records to treat you, unless you refuse.',
};

export function useBasePolicy(): BasePolicy | undefined {
  return useGenesisFact(basePolicyOf);
}
