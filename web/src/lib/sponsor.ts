// The research sponsor's side of clinical trials (issue 16 §7, the sponsor console): what the sponsor's
// staff send to their own node, which signs each tx for the sponsor. What must stay secret until it is
// revealed is made here in the browser and only ever leaves it as a download: the salts that open the
// protocol and SAP commitments, and the randomisation seed (its hash goes to the chain, the seed itself
// only at unblinding). The files have the shapes `carechain trials commit` and `trials seed` write, so
// the console and the CLI can carry on each other's work.
import {
  COMMITMENT_SALT_BYTES,
  commitDocument,
  seedCommitment,
  type DocumentSaltFile,
} from '../../../src/app/trials/index.ts';
import { toHex } from '../../../src/core/bytes.ts';
import { sha256 } from '../../../src/core/crypto/index.ts';
import { TRIALS_PATH } from '../../../src/contract/trials.ts';
import type {
  AllocationsAnswer,
  AmendedTrialAnswer,
  RegisteredTrialAnswer,
  RegisterTrialBody,
  RegistryAnswer,
  TrialCommitted,
} from '../../../src/contract/trials.ts';
import { downloadJson } from './download.ts';
import { request } from './http.ts';
import { randomBytes } from './keystore.ts';

/**
 * A study file as read: a ClinicalTrials.gov v2 study. (A FHIR ResearchStudy carries its commitments in
 * its own extensions, so it is registered through the API or the CLI, not from documents chosen here.)
 */
export interface StudyFile {
  readonly study: Record<string, unknown>;
}

/** The commitment to one document and the salt that opens it (`carechain trials commit --salt-out`). */
export type SaltFile = DocumentSaltFile;

/** A ClinicalTrials.gov v2 study file's JSON; anything else is refused here, in words. */
export async function readStudyFile(file: File): Promise<StudyFile> {
  let value: unknown;
  try {
    value = JSON.parse(await file.text());
  } catch {
    throw new Error(`${file.name} is not JSON: choose the study's ClinicalTrials.gov v2 file`);
  }
  const json = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  if (typeof json.protocolSection !== 'object' || json.protocolSection === null)
    throw new Error(`${file.name} is not a ClinicalTrials.gov v2 study (it has no protocolSection)`);
  return { study: json };
}

/** A salted commitment to a document, made here; the salt never leaves the browser but as a download. */
export async function commitFile(file: File): Promise<SaltFile> {
  const salt = randomBytes(COMMITMENT_SALT_BYTES);
  return { commitment: commitDocument(new Uint8Array(await file.arrayBuffer()), salt), salt: toHex(salt) };
}

/** The hex SHA-256 of a file (the locked database export's digest). */
export async function digestFile(file: File): Promise<string> {
  return toHex(sha256(new Uint8Array(await file.arrayBuffer())));
}

/** The sponsor's own trials, from the public registry (the newest first). */
export async function sponsorTrials(orgId: string): Promise<RegistryAnswer['trials']> {
  const { trials } = await request<RegistryAnswer>(`${TRIALS_PATH}?limit=100`);
  return trials.filter((t) => t.sponsorOrgId === orgId).reverse();
}

export const allocationsOf = (id: string) => request<AllocationsAnswer>(`${TRIALS_PATH}/${id}/allocations`);

/**
 * Registers the study with commitments to its protocol and SAP. The salts are saved (downloaded) before
 * the registration is sent, so a page closed mid-way never leaves a commitment no one can open.
 */
export async function registerTrial(
  token: string,
  studyFile: StudyFile,
  documents: { protocol: File; sap: File },
): Promise<RegisteredTrialAnswer> {
  const [protocol, sap] = [await commitFile(documents.protocol), await commitFile(documents.sap)];
  downloadJson(`carechain-trial-salts-${protocol.commitment.slice(0, 8)}.json`, { protocol, sap });
  const body = { ...studyFile, protocolCommitment: protocol.commitment, sapCommitment: sap.commitment };
  return request<RegisteredTrialAnswer>(TRIALS_PATH, { token, body });
}

/**
 * A new protocol version. A document chosen again gets a new salted commitment (its salt saved first);
 * one not chosen keeps the commitment of the version in force, given in `kept`.
 */
export async function amendTrial(
  token: string,
  id: string,
  amendment: { studyFile: StudyFile; reason: string; protocol?: File; sap?: File },
  kept: Required<Pick<RegisterTrialBody, 'protocolCommitment' | 'sapCommitment'>>,
): Promise<AmendedTrialAnswer> {
  const protocol = amendment.protocol && (await commitFile(amendment.protocol));
  const sap = amendment.sap && (await commitFile(amendment.sap));
  if (protocol !== undefined || sap !== undefined)
    downloadJson(`carechain-trial-salts-${id.slice(0, 8)}-amended.json`, { protocol, sap });
  const body = {
    ...amendment.studyFile,
    reason: amendment.reason,
    protocolCommitment: protocol?.commitment ?? kept.protocolCommitment,
    sapCommitment: sap?.commitment ?? kept.sapCommitment,
  };
  return request<AmendedTrialAnswer>(`${TRIALS_PATH}/${id}/amendments`, { token, body });
}

/** Makes the seed here, saves it as `carechain trials seed` would, then commits its hash. */
export function commitSeed(token: string, trialId: string): Promise<TrialCommitted> {
  const seed = toHex(randomBytes(32));
  downloadJson(`carechain-trial-seed-${trialId.slice(0, 8)}.json`, { trialId, seed });
  return sponsorTx(token, trialId, 'seed', { seedCommitment: seedCommitment(seed) });
}

/** The seed from the file the console (or the CLI) saved; refused here if it names another trial. */
export async function readSeedFile(file: File, trialId: string): Promise<string> {
  let value: { trialId?: unknown; seed?: unknown };
  try {
    value = JSON.parse(await file.text()) as typeof value;
  } catch {
    throw new Error(`${file.name} is not a seed file`);
  }
  if (typeof value.seed !== 'string') throw new Error(`${file.name} holds no seed`);
  if (value.trialId !== undefined && value.trialId !== trialId)
    throw new Error(`${file.name} is the seed of another trial`);
  return value.seed;
}

/** One of the sponsor's small txs (seed, allocations, lock, unblind, an SAE report) on this trial. */
export function sponsorTx(
  token: string,
  trialId: string,
  action: 'seed' | 'allocations' | 'lock' | 'unblind' | 'saes',
  body: Record<string, string | number>,
): Promise<TrialCommitted> {
  return request<TrialCommitted>(`${TRIALS_PATH}/${trialId}/${action}`, { token, body });
}

/** Posts results: the v2 study with its resultsSection; each reported outcome is judged on chain. */
export function postResults(token: string, trialId: string, studyFile: StudyFile): Promise<TrialCommitted> {
  return request<TrialCommitted>(`${TRIALS_PATH}/${trialId}/results`, { token, body: studyFile });
}
