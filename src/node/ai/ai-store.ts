// What a node keeps off chain for the AI module (issue 20): the documents behind a model registration's
// hashes (the model card as a FHIR DocumentReference, the AI Device, the artefact, the intended use and
// the change plan), and, per cohort this custodian committed, the salt and the member pseudonyms behind
// its salted Merkle root and the practitioner it was drawn for; for federated rounds (issue 20 §3), the
// one masked update this site gave per round, and at the coordinator each round's sum (masked updates
// summed, so a site's own update is never here). No health data: pseudonyms are public on the ledger already, and the salt is
// what keeps the root from naming them. Its own file (ai.sqlite) or PostgreSQL schema.
import { PortStore } from '../storage/ddl.ts';
import type { PractitionerRole } from '../../app/membership/types.ts';

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS ai_models (
  model_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  card_json TEXT NOT NULL,
  device_json TEXT NOT NULL,
  artefact_json TEXT NOT NULL,
  intended_use TEXT NOT NULL,
  change_plan TEXT NOT NULL,
  PRIMARY KEY (model_id, version)
) STRICT;
CREATE TABLE IF NOT EXISTS ai_cohorts (
  cohort_id TEXT PRIMARY KEY,
  query_json TEXT NOT NULL,
  purpose TEXT NOT NULL,
  salt BLOB NOT NULL,
  members_json TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS ai_cohort_askers (
  cohort_id TEXT PRIMARY KEY,
  asker_json TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS ai_site_updates (
  model_id TEXT NOT NULL,
  round INTEGER NOT NULL,
  request_hash TEXT NOT NULL,
  answer_json TEXT NOT NULL,
  PRIMARY KEY (model_id, round)
) STRICT;
CREATE TABLE IF NOT EXISTS ai_round_sums (
  model_id TEXT NOT NULL,
  round INTEGER NOT NULL,
  sum_json TEXT NOT NULL,
  PRIMARY KEY (model_id, round)
) STRICT;
`;

/** The documents of one model version, as JSON text exactly as hashed and served. */
export interface StoredModel {
  readonly modelId: string;
  readonly version: number;
  readonly cardJson: string;
  readonly deviceJson: string;
  readonly artefactJson: string;
  readonly intendedUse: string;
  readonly changePlan: string;
}

export interface StoredCohort {
  readonly cohortId: string;
  readonly queryJson: string;
  readonly purpose: string;
  readonly salt: Uint8Array;
  readonly members: readonly string[];
}

/** The practitioner a cohort was drawn for: each round re-asks their consents (federated-site.ts). */
export interface CohortAsker {
  readonly publicKey: string;
  readonly orgId: string;
  readonly role: PractitionerRole;
}

/** The one update a site gave for a round, and the hash of the request it answered. */
export interface SiteUpdateRow {
  readonly requestHash: string;
  readonly answerJson: string;
}

/** Most cohorts a patient's "AI and my data" view looks through (STYLE §5: bound everything). */
export const COHORT_SCAN_MAX = 1_000;

interface CohortRow {
  cohort_id: string;
  query_json: string;
  purpose: string;
  salt: Uint8Array;
  members_json: string;
}

const toCohort = (row: CohortRow): StoredCohort => ({
  cohortId: row.cohort_id,
  queryJson: row.query_json,
  purpose: row.purpose,
  salt: new Uint8Array(row.salt),
  members: JSON.parse(row.members_json) as string[],
});

export class AiStore extends PortStore('ai', SCHEMA_SQL) {
  /** Kept once per version: a second write of a version (a retried request) leaves the first. */
  putModel(model: StoredModel): void {
    this.port.run(
      'INSERT INTO ai_models (model_id, version, card_json, device_json, artefact_json, intended_use, change_plan) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      [
        model.modelId,
        model.version,
        model.cardJson,
        model.deviceJson,
        model.artefactJson,
        model.intendedUse,
        model.changePlan,
      ],
    );
  }

  model(modelId: string, version: number): StoredModel | undefined {
    // Named as the interface names them, so the row is the answer.
    return this.port.get<StoredModel>(
      'SELECT model_id AS "modelId", version, card_json AS "cardJson", device_json AS "deviceJson", ' +
        'artefact_json AS "artefactJson", intended_use AS "intendedUse", change_plan AS "changePlan" ' +
        'FROM ai_models WHERE model_id = ? AND version = ?',
      [modelId, version],
    );
  }

  putCohort(cohort: StoredCohort): void {
    this.port.run(
      'INSERT INTO ai_cohorts (cohort_id, query_json, purpose, salt, members_json) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT DO NOTHING',
      [cohort.cohortId, cohort.queryJson, cohort.purpose, cohort.salt, JSON.stringify(cohort.members)],
    );
  }

  cohort(cohortId: string): StoredCohort | undefined {
    const row = this.port.get<CohortRow>('SELECT * FROM ai_cohorts WHERE cohort_id = ?', [cohortId]);
    return row === undefined ? undefined : toCohort(row);
  }

  /** The ids of the cohorts committed here that include the patient (the first COHORT_SCAN_MAX looked at). */
  cohortsWithMember(pseudonym: string): string[] {
    return this.port
      .all<CohortRow>('SELECT * FROM ai_cohorts ORDER BY cohort_id LIMIT ?', [COHORT_SCAN_MAX])
      .map(toCohort)
      .filter((cohort) => cohort.members.includes(pseudonym))
      .map((cohort) => cohort.cohortId);
  }

  putCohortAsker(cohortId: string, asker: CohortAsker): void {
    this.port.run(
      'INSERT INTO ai_cohort_askers (cohort_id, asker_json) VALUES (?, ?) ON CONFLICT DO NOTHING',
      [cohortId, JSON.stringify(asker)],
    );
  }

  cohortAsker(cohortId: string): CohortAsker | undefined {
    const row = this.port.get<{ asker_json: string }>(
      'SELECT asker_json FROM ai_cohort_askers WHERE cohort_id = ?',
      [cohortId],
    );
    return row === undefined ? undefined : (JSON.parse(row.asker_json) as CohortAsker);
  }

  /** Kept once: a site answers one request per round, and a retry of it with the same answer. */
  putSiteUpdate(modelId: string, round: number, update: SiteUpdateRow): void {
    this.port.run(
      'INSERT INTO ai_site_updates (model_id, round, request_hash, answer_json) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT DO NOTHING',
      [modelId, round, update.requestHash, update.answerJson],
    );
  }

  siteUpdate(modelId: string, round: number): SiteUpdateRow | undefined {
    return this.port.get<SiteUpdateRow>(
      'SELECT request_hash AS "requestHash", answer_json AS "answerJson" FROM ai_site_updates ' +
        'WHERE model_id = ? AND round = ?',
      [modelId, round],
    );
  }

  /** The coordinator's unmasked sum of a committed round: where the next round starts. */
  putRoundSum(modelId: string, round: number, sum: readonly string[]): void {
    this.port.run(
      'INSERT INTO ai_round_sums (model_id, round, sum_json) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      [modelId, round, JSON.stringify(sum)],
    );
  }

  roundSum(modelId: string, round: number): string[] | undefined {
    const row = this.port.get<{ sum_json: string }>(
      'SELECT sum_json FROM ai_round_sums WHERE model_id = ? AND round = ?',
      [modelId, round],
    );
    return row === undefined ? undefined : (JSON.parse(row.sum_json) as string[]);
  }
}
