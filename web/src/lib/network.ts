// Facts about the network the app shows in words: organisation names and types from genesis (the
// membership module's initial state), fetched once per page load.
import { useEffect, useState } from 'react';
import type { GenesisAnswer } from '../../../src/contract/ledger.ts';
import type { Genesis } from '../../../src/core/genesis.ts';
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

export function useOrgs(): OrgInfo[] {
  const [orgs, setOrgs] = useState<OrgInfo[]>([]);
  useEffect(() => {
    let live = true;
    loadGenesis()
      .then((g) => live && setOrgs(orgsOf(g.genesis)))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  return orgs;
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
