// AI inference, labelled and logged (issue 20 §5). A clinician runs a registered, active model on a
// patient held here. The inference reads the patient's Observations through the records gateway, so it is
// an access event decided by consent and committed before anything is read, like any other read. The
// output is written back as a RiskAssessment whose performer is the AI Device, with a Provenance naming
// the model version as author, the Observations used as sources and the clinician who asked; both carry
// the AIAST security label of the HL7 AI Transparency on FHIR IG. The patient lists them in "AI and my
// data" (myAi), beside the cohorts their data trained.
import type { Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import { isoTime, type Resource } from '../records/resources.ts';
import { checkedArtefact, modelIdentifier, modelRecordOf, models } from './models.ts';
import type { AiService, Practitioner } from './service.ts';
import { artefactHash, latestValues, scoreArtefact } from '../../app/ai/index.ts';
import { eachRecordOf } from '../../app/records/index.ts';
import type { InferenceAnswer, InferenceBody, MyAiAnswer } from '../../contract/ai.ts';

/** The security label of AI-asserted content (AI Transparency on FHIR; v3-ObservationValue AIAST). */
export const AIAST = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'AIAST',
  display: 'Artificial Intelligence asserted',
} as const;
/** Most Observations one inference reads: a page of the patient's latest. */
const OBSERVATIONS_READ_MAX = 100;
const PRACTITIONER_KEY_SYSTEM = 'urn:carechain:practitioner-key';

type Json = Record<string, unknown>;

/** The records gateway's refusals are FHIR's; at this domain route they are the catalogue's. */
function asServiceError(err: unknown): unknown {
  if (!(err instanceof FhirError)) return err;
  if (err.statusCode === 404) return new ServiceError('ai.not_found', 'no such patient here');
  if (err.statusCode === 400) return new ServiceError('ai.invalid', err.message, { field: 'patient' });
  return new ServiceError('ai.read_refused', 'the patient’s records may not be read for this');
}

export async function runInference(
  service: AiService,
  caller: Practitioner,
  body: InferenceBody,
): Promise<InferenceAnswer> {
  const record = modelRecordOf(service, body.modelId, body.version);
  if (record.status !== 'active') throw new ServiceError('ai.model_withdrawn', 'this model is withdrawn');
  const stored = service.store.model(body.modelId, body.version);
  if (stored === undefined || artefactHash(stored.artefactJson) !== record.artefactHash) {
    throw new ServiceError('ai.not_found', 'the model’s artefact is not held at this node');
  }
  const artefact = checkedArtefact(JSON.parse(stored.artefactJson) as Json);
  const { gateway } = service;
  const patient = `Patient/${body.patient}`;
  try {
    const query = new URLSearchParams({ patient, _count: String(OBSERVATIONS_READ_MAX) });
    const { resources } = await gateway.search(caller, 'Observation', query, 'TREAT');
    const { values, used } = latestValues(resources);
    const { probability, missing } = scoreArtefact(artefact, values);
    const now = isoTime(service.clock.nowMs());
    const model = { type: 'Device', identifier: modelIdentifier(body.modelId, body.version) };
    const sources = used.map((id) => ({ reference: `Observation/${id}` }));
    const riskAssessment = await gateway.create(caller, {
      resourceType: 'RiskAssessment',
      meta: { security: [AIAST] },
      status: 'final',
      subject: { reference: patient },
      occurrenceDateTime: now,
      performer: model,
      method: { text: 'logistic regression over the latest vitals and labs' },
      ...(sources.length === 0 ? {} : { basis: sources }),
      prediction: [
        {
          outcome: { coding: [{ system: 'http://snomed.info/sct', code: artefact.condition }] },
          probabilityDecimal: Math.round(probability * 10_000) / 10_000,
        },
      ],
      ...(missing.length === 0 ? {} : { note: [{ text: `no value for LOINC ${missing.join(', ')}` }] }),
    });
    const provenance = await gateway.create(caller, {
      resourceType: 'Provenance',
      meta: { security: [AIAST] },
      target: [{ reference: `RiskAssessment/${String(riskAssessment.id)}` }, { reference: patient }],
      recorded: now,
      agent: [
        { type: participant('author'), who: model },
        {
          type: participant('enterer'),
          who: {
            type: 'Practitioner',
            identifier: { system: PRACTITIONER_KEY_SYSTEM, value: caller.publicKey },
          },
        },
      ],
      // R4's entity roles have no "instantiates" (R5's): the model is the author agent above.
      ...(sources.length === 0 ? {} : { entity: sources.map((what) => ({ role: 'source', what })) }),
    });
    return { probability, missing, riskAssessment, provenance } as InferenceAnswer;
  } catch (err) {
    throw asServiceError(err);
  }
}

const participant = (code: string) => ({
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code }],
});

const isAiAsserted = (resource: Resource): boolean =>
  ((resource.meta as { security?: { system?: string; code?: string }[] } | undefined)?.security ?? []).some(
    (label) => label.system === AIAST.system && label.code === AIAST.code,
  );

/** "AI and my data": the cohorts committed here that include the patient, and every AI inference. */
export function myAi(service: AiService, caller: Caller): MyAiAnswer {
  if (caller.kind === 'practitioner') {
    throw new ServiceError('ai.patient_only', 'only the patient (or their proxy) sees this view');
  }
  const { pseudonym } = caller;
  const orgId = service.orgId;
  const registered = models(service).models;
  const training = service.store.cohortsWithMember(pseudonym).map((cohortId) => ({
    cohortId,
    custodianOrgId: orgId,
    models: registered
      .filter((m) => m.record.cohortId === cohortId)
      .map((m) => ({ modelId: m.modelId, version: m.version, status: m.record.status })),
  }));
  const { open } = service.gateway.adminPort();
  const inferences: MyAiAnswer['inferences'] = [];
  eachRecordOf(service.state, pseudonym, (head) => {
    if (head.custodianOrgId !== orgId || head.erasedAtHeight !== null) return;
    if (head.resourceType !== 'RiskAssessment') return;
    const resource = open(head);
    if (!isAiAsserted(resource)) return;
    const value = String((resource.performer as { identifier?: { value?: string } })?.identifier?.value);
    const [modelId = '', version = '0'] = value.split('/');
    const prediction = (resource.prediction as { probabilityDecimal?: number }[] | undefined)?.[0];
    inferences.push({
      riskAssessmentId: String(resource.id),
      modelId,
      version: Number(version),
      probability: prediction?.probabilityDecimal ?? 0,
      occurrence: typeof resource.occurrenceDateTime === 'string' ? resource.occurrenceDateTime : '',
    });
  });
  return { training, inferences };
}
