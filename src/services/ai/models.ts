// The model registry (issue 20 §1): a version is registered with its model card as a FHIR
// DocumentReference carrying the 31 HTI-1 source attributes (refused while any is missing), an AI Device
// resource, its artefact, intended use, change plan and training cohort. The chain keeps their hashes
// (ai.registerModel); this node keeps the documents (ai-store.ts) and serves them beside the chain's
// record, saying whether they still hash to it.
import { ServiceError } from '../errors.ts';
import { isoTime } from '../records/resources.ts';
import { idField, idParam, LOINC_CODE, SNOMED_CODE, type AiService, type Practitioner } from './service.ts';
import {
  artefactHash,
  cardGaps,
  cardHash,
  readModel,
  readRound,
  SOURCE_ATTRIBUTES,
  type ModelArtefact,
  type ModelCard,
  type ModelRecord,
} from '../../app/ai/index.ts';
import { toHex, utf8 } from '../../core/bytes.ts';
import { canonicalBytes } from '../../core/canonical.ts';
import { sha256 } from '../../core/crypto/index.ts';
import type {
  ModelLineageAnswer,
  ModelsAnswer,
  ModelVersionAnswer,
  RegisteredModelAnswer,
  RegisterModelBody,
} from '../../contract/ai.ts';

/** Identifier system of a model version (`<modelId>/<version>`): the AI Device and Provenance name it. */
export const AI_MODEL_SYSTEM = 'urn:carechain:ai-model';
export const ORGANISATION_SYSTEM = 'urn:carechain:organisation';
/** Most versions a listing or a lineage returns (STYLE §5). */
export const MODELS_PAGE_MAX = 200;

type Json = Record<string, unknown>;

const textHash = (value: string): string => toHex(sha256(utf8(value)));
export const modelIdentifier = (modelId: string, version: number) => ({
  system: AI_MODEL_SYSTEM,
  value: `${modelId}/${version}`,
});

/** The card's attributes as sent, each a non-blank string: ai.incomplete_card names what is missing. */
function checkedCard(card: Json): ModelCard {
  const unknown = Object.keys(card).filter((k) => !(SOURCE_ATTRIBUTES as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new ServiceError('ai.invalid', 'the card holds only the HTI-1 source attributes', {
      field: 'card',
      unknown: unknown.slice(0, 5).join(','),
    });
  }
  const gaps = cardGaps(card);
  if (gaps.length > 0) {
    throw new ServiceError('ai.incomplete_card', 'the model card lacks HTI-1 source attributes', {
      missing: gaps.join(','),
    });
  }
  return card as ModelCard;
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** The artefact as the inference runs it, checked field by field. */
export function checkedArtefact(value: Json): ModelArtefact {
  const bad = (field: string) =>
    new ServiceError('ai.invalid', `artefact.${field} is not valid`, { field: `artefact.${field}` });
  if (value.kind !== 'logistic-regression') throw bad('kind');
  if (typeof value.condition !== 'string' || !SNOMED_CODE.test(value.condition)) throw bad('condition');
  const features = value.features;
  if (!Array.isArray(features) || features.length < 1 || features.length > 32) throw bad('features');
  for (const f of features as Json[]) {
    const ok = typeof f?.code === 'string' && LOINC_CODE.test(f.code) && finite(f.mean) && finite(f.scale);
    if (!ok || (f.scale as number) <= 0) throw bad('features');
  }
  const weights = value.weights;
  if (!Array.isArray(weights) || weights.length !== features.length + 1 || !weights.every(finite)) {
    throw bad('weights');
  }
  return {
    kind: 'logistic-regression',
    condition: value.condition,
    features: (features as Json[]).map((f) => ({
      code: f.code as string,
      mean: f.mean as number,
      scale: f.scale as number,
    })),
    weights,
  };
}

/** The AI Device of a model version (FHIR R4 Device), as the AI Transparency IG names the model. */
export function aiDevice(modelId: string, version: number, name: string, orgId: string): Json {
  return {
    resourceType: 'Device',
    identifier: [modelIdentifier(modelId, version)],
    status: 'active',
    deviceName: [{ name, type: 'model-name' }],
    type: { text: 'Artificial intelligence model (software)' },
    version: [{ value: String(version) }],
    owner: { identifier: { system: ORGANISATION_SYSTEM, value: orgId } },
  };
}

/** The model card as a FHIR R4 DocumentReference about the AI Device, the card's JSON attached. */
export function modelCardDocument(
  modelId: string,
  version: number,
  card: ModelCard,
  orgId: string,
  nowMs: number,
): Json {
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    docStatus: 'final',
    type: { text: 'AI model card (ONC HTI-1 source attributes, 45 CFR 170.315(b)(11)(iv)(B))' },
    subject: { type: 'Device', identifier: modelIdentifier(modelId, version) },
    date: isoTime(nowMs),
    author: [{ identifier: { system: ORGANISATION_SYSTEM, value: orgId } }],
    content: [
      {
        attachment: {
          contentType: 'application/json',
          title: 'model-card.json',
          data: Buffer.from(canonicalBytes(card)).toString('base64'),
        },
      },
    ],
  };
}

/** The card a DocumentReference carries (its JSON attachment), or undefined. */
export function cardOfDocument(document: Json): ModelCard | undefined {
  const content = (document.content as { attachment?: { data?: string } }[] | undefined)?.[0];
  const data = content?.attachment?.data;
  return typeof data === 'string'
    ? (JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as ModelCard)
    : undefined;
}

/**
 * Checks the R4 shape of a resource built here. Only the caller's text reaches it (the model's name: FHIR
 * strings may not be blank or hold control characters), so a failure is the request's: ai.invalid.
 */
function checkFhir(service: AiService, resource: Json): void {
  const result = service.gateway.validator.validateResource(resource);
  if (!result.valid) {
    throw new ServiceError('ai.invalid', 'the model’s name is not a valid FHIR string', { field: 'name' });
  }
}

export async function registerModel(
  service: AiService,
  caller: Practitioner,
  body: RegisterModelBody,
): Promise<RegisteredModelAnswer> {
  const modelId =
    body.modelId === undefined ? toHex(service.randomBytes(32)) : idField(body.modelId, 'modelId');
  const card = checkedCard(body.card);
  const artefact = checkedArtefact(body.artefact);
  const artefactJson = JSON.stringify(artefact);
  const orgId = caller.orgId;
  const device = aiDevice(modelId, body.version, body.name, orgId);
  const document = modelCardDocument(modelId, body.version, card, orgId, service.clock.nowMs());
  checkFhir(service, device);
  checkFhir(service, document);
  const hashes = {
    artefactHash: artefactHash(artefactJson),
    cardHash: cardHash(card),
    deviceHash: toHex(sha256(canonicalBytes(device))),
    intendedUseHash: textHash(body.intendedUse),
    changePlanHash: textHash(body.changePlan),
  };
  const committed = await service.commit('ai.registerModel', {
    modelId,
    version: body.version,
    parentVersion: body.parentVersion ?? null,
    cohortId: idField(body.cohortId, 'cohortId'),
    ...hashes,
  });
  service.store.putModel({
    modelId,
    version: body.version,
    cardJson: JSON.stringify(document),
    deviceJson: JSON.stringify(device),
    artefactJson,
    intendedUse: body.intendedUse,
    changePlan: body.changePlan,
  });
  return {
    modelId,
    version: body.version,
    cardHash: hashes.cardHash,
    artefactHash: hashes.artefactHash,
    documentReference: document as RegisteredModelAnswer['documentReference'],
    device: device as RegisteredModelAnswer['device'],
    ...committed,
  };
}

/** Every registered version in key order (ai/model/<modelId>/<version>), at most MODELS_PAGE_MAX. */
export function models(service: AiService): ModelsAnswer {
  const entries = service.node.ledger.stateByPrefix('ai/model/', MODELS_PAGE_MAX);
  return {
    models: entries.map(([key, value]) => {
      const [, , modelId, version] = key.split('/');
      return { modelId: modelId!, version: Number(version), record: JSON.parse(value) as ModelRecord };
    }),
  };
}

/** The model's versions (1, 2, … while registered) and its committed rounds, or ai.not_found. */
export function lineage(service: AiService, modelIdText: string): ModelLineageAnswer {
  const modelId = idParam(modelIdText, 'model');
  const { state } = service;
  const versions: ModelLineageAnswer['versions'] = [];
  for (let v = 1; v <= MODELS_PAGE_MAX; v += 1) {
    const record = readModel(state, modelId, v);
    if (record === undefined) break;
    versions.push({ version: v, record });
  }
  if (versions.length === 0) throw new ServiceError('ai.not_found', 'no such model');
  const rounds: ModelLineageAnswer['rounds'] = [];
  for (let r = 1; r <= MODELS_PAGE_MAX; r += 1) {
    const round = readRound(state, modelId, r);
    if (round === undefined) break;
    rounds.push({ round: r, ...round });
  }
  return { modelId, versions, rounds };
}

/** The chain's record of one version, or ai.not_found. */
export function modelRecordOf(service: AiService, modelIdText: string, version: number): ModelRecord {
  const modelId = idParam(modelIdText, 'model');
  const record = readModel(service.state, modelId, version);
  if (record === undefined) throw new ServiceError('ai.not_found', 'no such model version');
  return record;
}

/** One version: the chain's record and, where registered here, its documents and whether they match. */
export function modelVersion(service: AiService, modelIdText: string, version: number): ModelVersionAnswer {
  const record = modelRecordOf(service, modelIdText, version);
  const modelId = modelIdText;
  const stored = service.store.model(modelId, version);
  if (stored === undefined) {
    return {
      modelId,
      version,
      record,
      documentReference: null,
      device: null,
      artefact: null,
      documentsMatch: null,
    };
  }
  const document = JSON.parse(stored.cardJson) as Json;
  const device = JSON.parse(stored.deviceJson) as Json;
  const card = cardOfDocument(document);
  const documentsMatch =
    card !== undefined &&
    cardHash(card) === record.cardHash &&
    toHex(sha256(canonicalBytes(device))) === record.deviceHash &&
    artefactHash(stored.artefactJson) === record.artefactHash &&
    textHash(stored.intendedUse) === record.intendedUseHash &&
    textHash(stored.changePlan) === record.changePlanHash;
  return {
    modelId,
    version,
    record,
    documentReference: document as ModelVersionAnswer['documentReference'],
    device: device as ModelVersionAnswer['device'],
    artefact: JSON.parse(stored.artefactJson) as Json,
    documentsMatch,
  };
}
