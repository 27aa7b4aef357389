// A model card holds the source attributes ONC's HTI-1 rule asks certified health IT to show for every
// predictive decision support intervention (45 CFR 170.315(b)(11)(iv)(B)), grouped under the rule's nine
// headings. Registration refuses a card with any attribute missing or blank, so "complete" means the same
// thing at every node. The card itself travels as a FHIR DocumentReference (built in the service layer);
// the chain holds only its hash.
import { canonicalBytes } from '../../core/canonical.ts';
import { toHex } from '../../core/bytes.ts';
import { sha256 } from '../../core/crypto/index.ts';

export const SOURCE_ATTRIBUTE_GROUPS = {
  details: [
    'developerNameAndContact',
    'fundingSource',
    'outputValueDescription',
    'outputType', // prediction, classification, recommendation, evaluation, analysis or other
  ],
  purpose: ['intendedUse', 'intendedPatientPopulation', 'intendedUsers', 'intendedDecisionMakingRole'],
  cautionedOutOfScopeUse: ['cautionedTasksSituationsPopulations', 'knownRisksAndLimitations'],
  developmentAndInputFeatures: [
    'trainingInclusionExclusionCriteria',
    'demographicVariablesUsedAsInputs',
    'trainingDemographicRepresentativeness',
    'trainingDataRelevanceToDeployedSetting',
  ],
  fairnessProcess: ['fairnessApproach', 'biasManagementApproach'],
  externalValidation: [
    'externalValidationDataSource',
    'externalValidationParty',
    'externalDemographicRepresentativeness',
    'externalValidationProcess',
  ],
  quantitativePerformance: [
    'validityInTestData',
    'fairnessInTestData',
    'validityInExternalData',
    'fairnessInExternalData',
    'outcomeEvaluationReferences',
  ],
  ongoingMaintenance: [
    'validityMonitoringProcess',
    'validityInLocalData',
    'fairnessMonitoringProcess',
    'fairnessInLocalData',
  ],
  updateSchedule: ['updateSchedule', 'revalidationSchedule'],
} as const;

export type SourceAttribute = (typeof SOURCE_ATTRIBUTE_GROUPS)[keyof typeof SOURCE_ATTRIBUTE_GROUPS][number];

export const SOURCE_ATTRIBUTES: readonly SourceAttribute[] = Object.values(SOURCE_ATTRIBUTE_GROUPS).flat();

export const OUTPUT_TYPES = [
  'prediction',
  'classification',
  'recommendation',
  'evaluation',
  'analysis',
  'other',
] as const;

/** The card's attributes, each a statement in words (numbers included as text, with their method). */
export type ModelCard = Readonly<Record<SourceAttribute, string>>;

/** The attributes a card lacks or leaves blank, and whether its output type is one the rule names. */
export function cardGaps(card: Readonly<Record<string, unknown>>): string[] {
  const gaps = SOURCE_ATTRIBUTES.filter((name) => {
    const value = card[name];
    return typeof value !== 'string' || value.trim() === '';
  });
  const outputType = card.outputType;
  if (typeof outputType === 'string' && !(OUTPUT_TYPES as readonly string[]).includes(outputType)) {
    gaps.push('outputType');
  }
  return gaps;
}

/** The hex SHA-256 of the card's canonical JSON: what the registration commits. */
export function cardHash(card: ModelCard): string {
  return toHex(sha256(canonicalBytes(card)));
}
