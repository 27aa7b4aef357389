// ClinicalTrials.gov API v2, the other way and the results: a registration exported as a v2 study
// (`protocolSection` only, field names as ../shared/testdata/trials/ctg-oas-v2.yaml), and the outcomes a
// `resultsSection` reports (outcomeMeasuresModule.outcomeMeasures: type, title, timeFrame), as the
// COMPare check reads them. PRIMARY is primary; SECONDARY, OTHER_PRE_SPECIFIED and POST_HOC are reported
// as secondary, so a post-hoc measure never passes for a pre-specified primary.
import { CoreError } from '../../core/errors.ts';
import { OUTCOMES_MAX, TRIAL_TEXT_LENGTH_MAX } from './ctgov.ts';
import type { ReportedOutcome, TrialRegistration } from './types.ts';

/** The registration as a v2 study; registrationFromCtGov reads it back to the same registration. */
export function registrationToCtGov(registration: TrialRegistration) {
  const { identifiers } = registration;
  const secondaryIdInfos = [
    ...(identifiers.eudract === undefined ? [] : [{ id: identifiers.eudract, type: 'EUDRACT_NUMBER' }]),
    ...(identifiers.ctis === undefined ? [] : [{ id: identifiers.ctis, type: 'REGISTRY', domain: 'CTIS' }]),
  ];
  const outcomes = (kind: 'primary' | 'secondary') =>
    registration.outcomes
      .filter((o) => o.kind === kind)
      .map(({ measure, description, timeFrame }) => ({ measure, description, timeFrame }));
  return {
    protocolSection: {
      identificationModule: { nctId: identifiers.nct, briefTitle: registration.title, secondaryIdInfos },
      designModule: { enrollmentInfo: { count: registration.targetEnrolment, type: 'ESTIMATED' } },
      armsInterventionsModule: { armGroups: registration.arms.map((a) => ({ ...a })) },
      outcomesModule: { primaryOutcomes: outcomes('primary'), secondaryOutcomes: outcomes('secondary') },
    },
  };
}

function invalidResults(field: string): CoreError {
  return new CoreError('trials.invalid_results', 'the results section is not well formed', { field });
}

/** The reported outcomes of a v2 study's `resultsSection`; throws trials.invalid_results naming the field. */
export function resultsFromCtGov(study: unknown): ReportedOutcome[] {
  const section = (study as { resultsSection?: unknown } | null)?.resultsSection;
  const module = (section as { outcomeMeasuresModule?: unknown } | undefined)?.outcomeMeasuresModule;
  const measures = (module as { outcomeMeasures?: unknown } | undefined)?.outcomeMeasures;
  const field = 'resultsSection.outcomeMeasuresModule.outcomeMeasures';
  if (!Array.isArray(measures) || measures.length === 0 || measures.length > OUTCOMES_MAX) {
    throw invalidResults(field);
  }
  return measures.map((entry: unknown, i) => {
    const m = entry as { type?: unknown; title?: unknown; timeFrame?: unknown } | null;
    const title = m?.title;
    const timeFrame = m?.timeFrame ?? '';
    if (typeof title !== 'string' || title.trim() === '' || title.length > TRIAL_TEXT_LENGTH_MAX) {
      throw invalidResults(`${field}[${i}].title`);
    }
    if (typeof timeFrame !== 'string' || timeFrame.length > TRIAL_TEXT_LENGTH_MAX) {
      throw invalidResults(`${field}[${i}].timeFrame`);
    }
    return { kind: m?.type === 'PRIMARY' ? 'primary' : 'secondary', measure: title, timeFrame };
  });
}
