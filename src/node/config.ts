// Node configuration files: what an institution keeps on its own machine. Paths inside a config file
// are relative to the file's folder, so a node folder can be moved or copied whole.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isHex } from '../core/bytes.ts';
import type { Genesis } from '../core/genesis.ts';
import { NodeError } from './errors.ts';
import { generateKeyPair, readKeyFile, writeKeyFile, type KeyPair } from './keys.ts';
import { ORGANISATION_TYPES, type OrganisationType } from '../app/membership/types.ts';
import {
  BASE_POLICY_DEFAULT,
  BREAK_GLASS_BUDGET_DEFAULT,
  type RecordsGenesis,
} from '../app/records/policy.ts';
import { ORG_ID_PATTERN } from '../app/payload.ts';
import type { MempoolOptions } from './mempool.ts';
import type { BucketLimit } from './intake/token-buckets.ts';
import { checkGenomicsConfig, type GenomicsNodeConfig } from './genomics/config.ts';
import { makePrivateDir } from './private-dir.ts';
import { parseApiTls, type ApiTlsFiles } from './api-tls.ts';
import { parseHl7Config, type Hl7Config } from './hl7-config.ts';
import { readNetworkKey } from './claims/network-key.ts';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * The API's address in node.json. `tls` makes it HTTPS (api-tls.ts); `publicUrl` is the origin clients
 * reach it by (`https://hospital.example.org:8081`) when that is not its listen address, as with a
 * wildcard bind: it is the iss of the node's tokens and, with the FHIR path, their aud and the audience
 * of its login challenges, which clients check (finding 10).
 */
export interface ApiConfig extends HostPort {
  readonly tls?: ApiTlsFiles;
  readonly publicUrl?: string;
}

export interface NodeConfigFile {
  readonly name: string;
  readonly dataDir: string;
  readonly keyFile: string;
  readonly genesisFile: string;
  readonly peersFile: string;
  readonly api: ApiConfig;
  /**
   * `dialPeersMax` (optional): bounded fan-out (src/node/relay.ts). The node dials at most this many of
   * its peers (the first in peers.json order; a validator takes the validators first), polls them for
   * new blocks and relays txs. Absent: it dials every peer.
   */
  readonly p2p: HostPort & { readonly dialPeersMax?: number };
  /** Optional: a postgres:// URL keeps every store in PostgreSQL; absent means SQLite in dataDir. */
  readonly database?: string;
  /** Optional: the mempool's bounds (mempool.ts); absent means DEFAULT_MEMPOOL_OPTIONS. */
  readonly mempool?: MempoolOptions;
  /**
   * Optional: `commitPauseMs`, how long consensus waits after a commit before the next height starts
   * (CometBFT's timeout_commit; default 100 ms, network.ts). Shorter commits sooner after a tx
   * arrives, and so answers sooner where an answer waits for its tx (a beacon's budget spend); longer
   * leaves more time for txs to gather and slow validators' votes to arrive. Every validator should use
   * the same value.
   */
  readonly consensus?: { readonly commitPauseMs?: number };
  /**
   * Optional: how often this node answers DSCSA verifications (services/supply/verify-limits.ts). A
   * distributor's returns desk verifies far more packs than a pharmacy counter; absent means the defaults.
   */
  readonly supply?: { readonly verifyLimits?: VerifyLimitsConfig };
  /**
   * Optional: `defaultPayer`, the member insurer's organisation id that answers a PAS request whose Claim
   * and Coverage name no member (issue 17 §7); the chain checks it is an insurer when a request uses it.
   * `networkKeyFile`: the file (relative to node.json) holding the members' claim-line fingerprint key,
   * wrapped for this node's key (claims/network-key.ts; docs/ARCHITECTURE.md "The fingerprint network
   * key"), or bare as 64 hex characters (test networks); without it this node submits and adjudicates
   * no claims through its API.
   */
  readonly claims?: { readonly defaultPayer?: string; readonly networkKeyFile?: string };
  /** Optional: the Beacon's pricing and Passport trust (genomics/config.ts); absent means the defaults. */
  readonly genomics?: unknown;
  /** Optional: the HL7 v2 MLLP listener and its senders (hl7-config.ts); absent means none. */
  readonly hl7?: Hl7Config;
}

/** Token-bucket limits on verifications: per staff member and for the node's whole organisation. */
export interface VerifyLimitsConfig {
  readonly perCaller: BucketLimit;
  readonly perNode: BucketLimit;
}

/**
 * What a member hands to whoever assembles genesis: its organisation (id = name, type, admin key), its
 * node's identity and voting power, and its P2P address. Power 0 makes a non-voting member: an
 * organisation of the network whose node follows the chain, serves its API and gossips txs, but is not
 * in the validator set and never votes.
 */
export interface MemberFile {
  readonly name: string;
  readonly type: OrganisationType;
  readonly adminKey: string;
  readonly publicKey: string;
  readonly power: number;
  readonly p2p: HostPort;
}

export interface PeerEntry {
  readonly name: string;
  readonly publicKey: string;
  readonly host: string;
  readonly port: number;
}

export interface LoadedConfig {
  readonly configPath: string;
  readonly name: string;
  readonly dataDir: string;
  readonly key: KeyPair;
  readonly genesis: Genesis;
  readonly peers: readonly PeerEntry[];
  /** With `tls`'s paths resolved against the config file's folder. */
  readonly api: ApiConfig;
  readonly p2p: HostPort;
  /** node.json's p2p.dialPeersMax, or undefined to dial every peer. */
  readonly dialPeersMax: number | undefined;
  /** A postgres:// URL, or undefined for SQLite in dataDir. */
  readonly database: string | undefined;
  /** The mempool's bounds from node.json, or undefined for the defaults. */
  readonly mempool: MempoolOptions | undefined;
  /** node.json's consensus.commitPauseMs, or undefined for the default. */
  readonly commitPauseMs: number | undefined;
  /** node.json's supply.verifyLimits, or undefined for the defaults. */
  readonly verifyLimits: VerifyLimitsConfig | undefined;
  /** node.json's claims.defaultPayer, or undefined: PAS requests must then name a member insurer. */
  readonly defaultPayerOrgId: string | undefined;
  /** The fingerprint network key read from claims.networkKeyFile, or undefined. */
  readonly claimsNetworkKey: Uint8Array | undefined;
  /** node.json's genomics section, or undefined for the defaults. */
  readonly genomics: GenomicsNodeConfig | undefined;
  /** node.json's hl7 section, or undefined when the node runs no MLLP listener. */
  readonly hl7: Hl7Config | undefined;
}

export const CONFIG_FILE = 'node.json';
export const MEMBER_FILE = 'member.json';

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    const reason = existsSync(path) ? 'is not valid JSON' : 'does not exist';
    throw new NodeError('config.unreadable', `${what} ${path} ${reason}`);
  }
}

function checkHostPort(value: unknown, what: string): HostPort {
  const v = value as Partial<HostPort> | undefined;
  if (typeof v?.host !== 'string' || !Number.isInteger(v.port) || v.port! < 0 || v.port! > 65535) {
    throw new NodeError('config.invalid', `${what} needs a host and a port from 0 to 65535`);
  }
  return { host: v.host, port: v.port! };
}

export const ADMIN_KEY_FILE = 'admin-key.json';

export function initNodeDir(
  dir: string,
  options: { name: string; type: OrganisationType; power: number; api: ApiConfig; p2p: HostPort },
): { config: NodeConfigFile; member: MemberFile; key: KeyPair } {
  if (!ORG_ID_PATTERN.test(options.name)) {
    throw new NodeError(
      'config.invalid',
      'name must be lowercase letters, digits and dashes (it is the org id)',
    );
  }
  if (!ORGANISATION_TYPES.includes(options.type)) {
    throw new NodeError('config.invalid', `type must be one of ${ORGANISATION_TYPES.join(', ')}`);
  }
  if (!Number.isSafeInteger(options.power) || options.power < 0) {
    throw new NodeError('config.invalid', 'power must be a non-negative integer (0 for a non-voting member)');
  }
  const folder = resolve(dir);
  if (existsSync(join(folder, CONFIG_FILE))) {
    throw new NodeError('config.exists', `${join(folder, CONFIG_FILE)} exists already; not overwriting it`);
  }
  makePrivateDir(folder);
  const key = generateKeyPair();
  writeKeyFile(join(folder, 'node-key.json'), key);
  // The organisation's admin key registers its practitioners. It lives beside the node key here for a
  // quick start; an institution should move it to its administrators' own machine.
  const admin = generateKeyPair();
  writeKeyFile(join(folder, ADMIN_KEY_FILE), admin);
  const config: NodeConfigFile = {
    name: options.name,
    dataDir: 'data',
    keyFile: 'node-key.json',
    genesisFile: 'genesis.json',
    peersFile: 'peers.json',
    api: options.api,
    p2p: options.p2p,
  };
  const member: MemberFile = {
    name: options.name,
    type: options.type,
    adminKey: admin.publicKey,
    publicKey: key.publicKey,
    power: options.power,
    p2p: options.p2p,
  };
  writeFileSync(join(folder, CONFIG_FILE), JSON.stringify(config, null, 2) + '\n');
  writeFileSync(join(folder, MEMBER_FILE), JSON.stringify(member, null, 2) + '\n');
  return { config, member, key };
}

export function parseMember(value: unknown, source: string): MemberFile {
  const m = value as Partial<MemberFile> | undefined;
  if (typeof m?.name !== 'string' || m.name.length === 0)
    throw new NodeError('member.invalid', `${source}: no name`);
  if (!isHex(m.publicKey, 32))
    throw new NodeError('member.invalid', `${source}: publicKey must be 32-byte hex`);
  if (!Number.isSafeInteger(m.power) || m.power! < 0) {
    throw new NodeError(
      'member.invalid',
      `${source}: power must be a non-negative integer (0 for a non-voting member)`,
    );
  }
  if (!ORGANISATION_TYPES.includes(m.type!)) {
    throw new NodeError('member.invalid', `${source}: type must be one of ${ORGANISATION_TYPES.join(', ')}`);
  }
  if (!isHex(m.adminKey, 32))
    throw new NodeError('member.invalid', `${source}: adminKey must be 32-byte hex`);
  return {
    name: m.name,
    type: m.type!,
    adminKey: m.adminKey,
    publicKey: m.publicKey,
    power: m.power!,
    p2p: checkHostPort(m.p2p, `${source}: p2p`),
  };
}

/**
 * Combines member files into genesis and a peer list (P2P addresses). Every member is an organisation
 * with its node key in membership; only members with power above 0 are validators.
 */
export function buildGenesis(
  chainId: string,
  genesisTimeMs: number,
  members: readonly MemberFile[],
  /**
   * The network's records settings: the break-glass budget (the default suits a demo and a first
   * network) and the base policy (opt-in unless named).
   */
  records: Partial<RecordsGenesis> = {},
): { genesis: Genesis; peers: PeerEntry[] } {
  const keys = new Set(members.map((m) => m.publicKey));
  if (keys.size !== members.length) throw new NodeError('member.duplicate', 'two members share a key');
  const voting = members.filter((m) => m.power > 0);
  if (voting.length === 0) {
    // A chain without validators could never commit a block.
    throw new NodeError('member.no_validator', 'at least one member needs a voting power above 0');
  }
  const genesis: Genesis = {
    chainId,
    genesisTimeMs,
    validators: voting.map((m) => ({ publicKey: m.publicKey, power: m.power, name: m.name })),
    app: {
      membership: {
        organisations: members.map((m) => ({
          id: m.name,
          name: m.name,
          type: m.type,
          adminKey: m.adminKey,
          nodeKeys: [m.publicKey],
        })),
      },
      records: {
        breakGlass: { ...(records.breakGlass ?? BREAK_GLASS_BUDGET_DEFAULT) },
        basePolicy: records.basePolicy ?? BASE_POLICY_DEFAULT,
      },
    },
  };
  const peers = members.map((m) => ({
    name: m.name,
    publicKey: m.publicKey,
    host: m.p2p.host,
    port: m.p2p.port,
  }));
  return { genesis, peers };
}

export function loadNodeConfig(configPath: string): LoadedConfig {
  const path = resolve(configPath);
  const folder = dirname(path);
  const raw = readJson(path, 'config') as Partial<NodeConfigFile>;
  for (const field of ['name', 'dataDir', 'keyFile', 'genesisFile', 'peersFile'] as const) {
    if (typeof raw[field] !== 'string')
      throw new NodeError('config.invalid', `config ${path}: ${field} is missing`);
  }
  const peersRaw = readJson(join(folder, raw.peersFile!), 'peers file');
  if (!Array.isArray(peersRaw)) throw new NodeError('config.invalid', 'the peers file must be a JSON array');
  const peers = peersRaw.map((p: unknown, i) => {
    const entry = p as Partial<PeerEntry>;
    if (!isHex(entry.publicKey, 32))
      throw new NodeError('config.invalid', `peer ${i}: publicKey must be hex`);
    const hp = checkHostPort(entry, `peer ${i}`);
    return {
      name: typeof entry.name === 'string' ? entry.name : `peer-${i}`,
      publicKey: entry.publicKey,
      ...hp,
    };
  });
  const key = readKeyFile(join(folder, raw.keyFile!));
  const genesis = readJson(join(folder, raw.genesisFile!), 'genesis') as Genesis;
  return {
    configPath: path,
    name: raw.name!,
    dataDir: resolve(folder, raw.dataDir!),
    key,
    genesis,
    peers,
    api: checkApi(raw.api, folder, path),
    p2p: checkHostPort(raw.p2p, 'p2p'),
    dialPeersMax: checkDialPeersMax(raw.p2p?.dialPeersMax, path),
    database: checkDatabase(raw.database, path),
    mempool: checkMempool(raw.mempool, path),
    commitPauseMs: checkCommitPause(raw.consensus, path),
    verifyLimits: checkVerifyLimits(raw.supply, path),
    ...checkClaimsConfig(raw.claims, folder, path, { key, chainId: String(genesis.chainId) }),
    genomics: checkGenomicsConfig(raw.genomics, path),
    hl7: parseHl7Config(raw.hl7, path, folder),
  };
}

/** `supply.verifyLimits`: both buckets, each with a positive rate and a burst of at least one. */
function checkVerifyLimits(supply: unknown, path: string): VerifyLimitsConfig | undefined {
  if (supply === undefined) return undefined;
  const invalid = () =>
    new NodeError(
      'config.invalid',
      `config ${path}: supply.verifyLimits must be { perCaller: { perSecond, burst }, perNode: { perSecond, burst } } with positive numbers`,
    );
  if (typeof supply !== 'object' || supply === null) throw invalid();
  const limits = (supply as Record<string, unknown>).verifyLimits;
  if (limits === undefined) return undefined;
  const bucket = (value: unknown): BucketLimit => {
    const b = value as Partial<BucketLimit> | null;
    if (typeof b !== 'object' || b === null) throw invalid();
    if (!(typeof b.perSecond === 'number' && b.perSecond > 0 && Number.isFinite(b.perSecond)))
      throw invalid();
    if (!(Number.isSafeInteger(b.burst) && (b.burst as number) >= 1)) throw invalid();
    return { perSecond: b.perSecond, burst: b.burst as number };
  };
  if (typeof limits !== 'object' || limits === null) throw invalid();
  const { perCaller, perNode } = limits as Record<string, unknown>;
  return { perCaller: bucket(perCaller), perNode: bucket(perNode) };
}

/** node.json's claims section: the default payer (an organisation id) and the network key's file. */
function checkClaimsConfig(
  value: unknown,
  folder: string,
  path: string,
  node: { key: KeyPair; chainId: string },
): Pick<LoadedConfig, 'defaultPayerOrgId' | 'claimsNetworkKey'> {
  if (value === undefined) return { defaultPayerOrgId: undefined, claimsNetworkKey: undefined };
  const invalid = new NodeError(
    'config.invalid',
    `config ${path}: claims must be { "defaultPayer"?: "<an insurer's organisation id>", "networkKeyFile"?: "<path>" }`,
  );
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid;
  const { defaultPayer, networkKeyFile, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw invalid;
  const isOrgId = (v: unknown): v is string => typeof v === 'string' && /^[a-z0-9][a-z0-9-]{0,63}$/.test(v);
  if (defaultPayer !== undefined && !isOrgId(defaultPayer)) throw invalid;
  if (networkKeyFile !== undefined && typeof networkKeyFile !== 'string') throw invalid;
  return {
    defaultPayerOrgId: defaultPayer,
    claimsNetworkKey:
      networkKeyFile === undefined
        ? undefined
        : readNetworkKey(resolve(folder, networkKeyFile), node.chainId, node.key),
  };
}

function checkApi(value: unknown, folder: string, path: string): ApiConfig {
  const hostPort = checkHostPort(value, 'api');
  const raw = value as { tls?: unknown; publicUrl?: unknown };
  const tls = parseApiTls(raw.tls, folder, path);
  const publicUrl = checkPublicUrl(raw.publicUrl, tls !== undefined, path);
  return {
    ...hostPort,
    ...(tls === undefined ? {} : { tls }),
    ...(publicUrl === undefined ? {} : { publicUrl }),
  };
}

/** An origin only (scheme, host, port): the FHIR path and routes are added to it. HTTPS when tls is on. */
function checkPublicUrl(value: unknown, tls: boolean, path: string): string | undefined {
  if (value === undefined) return undefined;
  const invalid = new NodeError(
    'config.invalid',
    `config ${path}: api.publicUrl must be an origin like ${tls ? 'https' : 'http'}://hospital.example.org:8081`,
  );
  if (typeof value !== 'string') throw invalid;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid;
  }
  if (url.protocol !== (tls ? 'https:' : 'http:') || url.origin !== value.replace(/\/+$/, '')) throw invalid;
  return url.origin;
}

const MEMPOOL_FIELDS = ['txsMax', 'bytesMax', 'priorityReservedTxs', 'priorityReservedBytes'] as const;

/**
 * The optional `mempool` bounds: positive integers, the reservations below their totals (the Mempool
 * refuses the rest itself). A small mempool is how a test floods it with a few hundred txs.
 */
function checkMempool(value: unknown, path: string): MempoolOptions | undefined {
  if (value === undefined) return undefined;
  const invalid = (why: string) => new NodeError('config.invalid', `config ${path}: mempool ${why}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('must be an object');
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!(MEMPOOL_FIELDS as readonly string[]).includes(key)) throw invalid(`has an unknown field ${key}`);
  }
  for (const field of MEMPOOL_FIELDS) {
    const n = v[field];
    if (n === undefined && field.startsWith('priority')) continue;
    if (!Number.isSafeInteger(n) || (n as number) < (field.startsWith('priority') ? 0 : 1)) {
      throw invalid(
        `${field} must be a ${field.startsWith('priority') ? 'non-negative' : 'positive'} integer`,
      );
    }
  }
  const options = v as unknown as MempoolOptions;
  if (
    (options.priorityReservedTxs ?? 0) >= options.txsMax ||
    (options.priorityReservedBytes ?? 0) >= options.bytesMax
  ) {
    throw invalid('reservations must be below txsMax and bytesMax');
  }
  return {
    txsMax: options.txsMax,
    bytesMax: options.bytesMax,
    ...(options.priorityReservedTxs === undefined
      ? {}
      : { priorityReservedTxs: options.priorityReservedTxs }),
    ...(options.priorityReservedBytes === undefined
      ? {}
      : { priorityReservedBytes: options.priorityReservedBytes }),
  };
}

/** A commit pause up to ten seconds: longer would stall the chain for no one's benefit. */
function checkCommitPause(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new NodeError('config.invalid', `config ${path}: consensus must be an object`);
  }
  const unknown = Object.keys(value).filter((k) => k !== 'commitPauseMs');
  if (unknown.length > 0) {
    throw new NodeError('config.invalid', `config ${path}: consensus has no setting ${unknown.join(', ')}`);
  }
  const pause = (value as { commitPauseMs?: unknown }).commitPauseMs;
  if (pause === undefined) return undefined;
  if (!Number.isSafeInteger(pause) || (pause as number) < 0 || (pause as number) > 10_000) {
    throw new NodeError(
      'config.invalid',
      `config ${path}: consensus.commitPauseMs must be a whole number of milliseconds from 0 to 10000`,
    );
  }
  return pause as number;
}

function checkDialPeersMax(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new NodeError('config.invalid', `config ${path}: p2p.dialPeersMax must be a positive integer`);
  }
  return value as number;
}

function checkDatabase(value: unknown, path: string): string | undefined {
  if (value === undefined || value === 'sqlite') return undefined;
  if (typeof value !== 'string' || !/^postgres(ql)?:\/\//.test(value)) {
    throw new NodeError(
      'config.invalid',
      `config ${path}: database must be "sqlite" or a postgres:// URL (postgres://user@host:5432/db)`,
    );
  }
  return value;
}
