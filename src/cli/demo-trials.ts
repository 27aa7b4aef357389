// Demo clinical trial for `carechain up` (issue 16): the research sponsor registers the PALLAS study
// (NCT02513394) from its ClinicalTrials.gov JSON and commits its randomisation seed; the demo patients
// enrol at the hospital with their own keys; an amendment makes a secondary outcome primary, and the
// first patient re-consents while the second is left to (the web app's "My trials" shows both); after
// lock and unblinding the sponsor posts the file's results. All through the public API, as the sponsor's
// own system and the patients' apps would. The study is test data kept outside the repository:
// $CARECHAIN_TRIAL_STUDY, else the shared test data; without it there is no demo trial.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { commitDocument, COMMITMENT_SALT_BYTES, seedCommitment } from '../app/trials/index.ts';
import { toHex } from '../core/bytes.ts';
import { PatientClient } from '../client/patient-client.ts';
import { refusalOf } from '../contract/errors.ts';
import { TRIALS_PATH, type RegisteredTrialAnswer, type TrialPageAnswer } from '../contract/trials.ts';
import type { KeyPair } from '../node/keys.ts';
import { demoTestdata } from './demo-testdata.ts';

/** Where the study JSON is looked for: $CARECHAIN_TRIAL_STUDY, else the shared test data. */
export function demoTrialStudy(): string | undefined {
  return demoTestdata('CARECHAIN_TRIAL_STUDY', 'trials', 'NCT02513394.json');
}

export interface DemoTrialOptions {
  readonly studyFile: string;
  /** The sponsor's node and a staff token of the sponsor. */
  readonly sponsor: { readonly apiUrl: string; readonly token: string };
  /** The site's node (the demo patients' custodian) and its org id. */
  readonly site: { readonly apiUrl: string; readonly orgId: string };
  readonly patients: readonly KeyPair[];
  progress(line: string): void;
}

export interface DemoTrial {
  readonly id: string;
  readonly nct: string;
  /** Demo only: the revealed seed, and the salts that open the protocol and SAP commitments. */
  readonly seed: string;
  readonly salts: { readonly protocol: string; readonly sap: string };
}

/** The part of a ClinicalTrials.gov v2 study file the demo's amendment changes. */
interface StudyFile {
  readonly protocolSection: {
    readonly outcomesModule: { primaryOutcomes: unknown[]; secondaryOutcomes: unknown[] };
  };
}

async function sponsorPost(options: DemoTrialOptions, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${options.sponsor.apiUrl}${TRIALS_PATH}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.sponsor.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer: unknown = await response.json();
  if (!response.ok) {
    throw new Error(
      `demo trial ${path || '/'} refused (${response.status}): ${refusalOf(answer)?.message ?? ''}`,
    );
  }
  return answer;
}

/**
 * Waits until the node at apiUrl has applied what `holds` looks for. A node answers once it has committed
 * a tx; another node may apply that block a little later, and its admission checks read its own state:
 * the site's node must know the trial (and its latest version) before a patient's tx there names it, and
 * the sponsor's node must hold an enrolment before the sponsor allocates it.
 */
async function untilNodeHas(
  apiUrl: string,
  id: string,
  what: string,
  holds: (trial: TrialPageAnswer['trial']) => boolean,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${apiUrl}${TRIALS_PATH}/${id}`);
    if (response.ok && holds(((await response.json()) as TrialPageAnswer).trial)) return;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${apiUrl} did not see ${what} of the demo trial in time`);
}

export async function loadDemoTrial(options: DemoTrialOptions): Promise<DemoTrial> {
  const bytes = readFileSync(options.studyFile);
  const study = JSON.parse(bytes.toString('utf8')) as StudyFile;
  const salt = () => new Uint8Array(randomBytes(COMMITMENT_SALT_BYTES));
  // The demo has no protocol or SAP documents of its own: it commits to the study file under two salts.
  const [protocolSalt, sapSalt] = [salt(), salt()];
  const commitments = {
    protocolCommitment: commitDocument(bytes, protocolSalt),
    sapCommitment: commitDocument(bytes, sapSalt),
  };
  options.progress('Registering the demo trial NCT02513394 at the research sponsor…');
  const { id } = (await sponsorPost(options, '', { study, ...commitments })) as RegisteredTrialAnswer;
  const seed = toHex(new Uint8Array(randomBytes(32)));
  await sponsorPost(options, `/${id}/seed`, { seedCommitment: seedCommitment(seed) });

  // The site admits an enrolment only once it holds the seed commitment (committed after the registration).
  await untilNodeHas(options.site.apiUrl, id, 'the seed commitment', (t) => t.seedCommitment !== null);
  const clients = options.patients.map((key) => new PatientClient(options.site.apiUrl, key.seed));
  for (const [n, client] of clients.entries()) {
    const { txHash } = await client.enrolInTrial(id, options.site.orgId, 1);
    await untilNodeHas(options.sponsor.apiUrl, id, `enrolment ${n + 1}`, (t) => t.enrolments > n);
    await sponsorPost(options, `/${id}/allocations`, { enrolTxHash: txHash });
  }
  const amended = structuredClone(study);
  const outcomes = amended.protocolSection.outcomesModule;
  outcomes.primaryOutcomes.push(...outcomes.secondaryOutcomes.splice(0, 1));
  await sponsorPost(options, `/${id}/amendments`, {
    study: amended,
    ...commitments,
    reason: 'Distant recurrence-free survival made a primary outcome',
  });
  await untilNodeHas(options.site.apiUrl, id, 'version 2', (t) => t.version >= 2);
  if (clients[0] !== undefined) await clients[0].reconsentToTrial(id, 2);

  options.progress('Locking, unblinding and posting the demo trial’s results…');
  await sponsorPost(options, `/${id}/lock`, { databaseDigest: toHex(new Uint8Array(randomBytes(32))) });
  await sponsorPost(options, `/${id}/unblind`, { seed });
  await sponsorPost(options, `/${id}/results`, { study });
  return {
    id,
    nct: 'NCT02513394',
    seed,
    salts: { protocol: toHex(protocolSalt), sap: toHex(sapSalt) },
  };
}
