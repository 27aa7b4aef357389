// Test-only: a realistic ClinicalTrials.gov API v2 study, written for these tests (a fictional phase III
// trial, shaped like real records: EudraCT and CTIS numbers among secondaryIdInfos, two arms, one primary
// and three secondary outcomes), and fixed commitments.
import assert from 'node:assert/strict';
import { alice, genesisOrg, party, stMaryOrg, TestChain, testGenesis } from '../test-support.ts';
import { seedCommitment } from './allocation.ts';
import { registrationFromCtGov } from './ctgov.ts';
import type { TrialRegistration } from './types.ts';

export const EXAMPLE_STUDY = {
  protocolSection: {
    identificationModule: {
      nctId: 'NCT05123456',
      orgStudyIdInfo: { id: 'HEART-7' },
      secondaryIdInfos: [
        { id: '2021-004312-27', type: 'EUDRACT_NUMBER' },
        { id: '2023-503988-41-00', type: 'REGISTRY', domain: 'CTIS' },
        { id: 'R01HL000001', type: 'NIH', link: 'https://reporter.nih.gov/' },
      ],
      briefTitle: 'Early Rhythm Control After Stroke',
      officialTitle:
        'A Randomised, Open-label Phase III Trial of Early Rhythm Control Versus Usual Care in Patients With Atrial Fibrillation After Ischaemic Stroke',
    },
    statusModule: {
      overallStatus: 'NOT_YET_RECRUITING',
      startDateStruct: { date: '2024-03', type: 'ESTIMATED' },
    },
    designModule: {
      studyType: 'INTERVENTIONAL',
      phases: ['PHASE3'],
      enrollmentInfo: { count: 1200, type: 'ESTIMATED' },
    },
    armsInterventionsModule: {
      armGroups: [
        {
          label: 'Early rhythm control',
          type: 'EXPERIMENTAL',
          description: 'Antiarrhythmic drugs or ablation started within 30 days of the stroke.',
          interventionNames: ['Drug: Flecainide', 'Procedure: Catheter ablation'],
        },
        {
          label: 'Usual care',
          type: 'ACTIVE_COMPARATOR',
          description: 'Rate control; rhythm control for symptoms only.',
        },
      ],
    },
    outcomesModule: {
      primaryOutcomes: [
        {
          measure: 'Composite of cardiovascular death, stroke, or hospitalisation for heart failure',
          description: 'Time to the first event of the composite, adjudicated blind to allocation.',
          timeFrame: '36 months',
        },
      ],
      secondaryOutcomes: [
        {
          measure: 'Recurrent ischaemic stroke',
          description: 'Time to first recurrence.',
          timeFrame: '36 months',
        },
        { measure: 'All-cause mortality', description: 'Death from any cause.', timeFrame: '36 months' },
        {
          measure: 'Sinus rhythm at 12 months',
          description: 'Sinus rhythm on a 12-lead ECG at the 12-month visit.',
          timeFrame: '12 months',
        },
      ],
    },
  },
} as const;

/**
 * A ClinicalTrials.gov v2 study amended so that its first secondary outcome becomes a primary one: the
 * material amendment (outcome switching) the trials tests send.
 */
export function secondaryMadePrimary<T>(study: T): T {
  type Outcomes = { primaryOutcomes: unknown[]; secondaryOutcomes: unknown[] };
  const amended = structuredClone(study) as { protocolSection: { outcomesModule: Outcomes } };
  const outcomes = amended.protocolSection.outcomesModule;
  outcomes.primaryOutcomes.push(outcomes.secondaryOutcomes.shift());
  return amended as T;
}

/**
 * Results that switch outcomes against EXAMPLE_STUDY, as the API and network tests report them: the
 * primary is dropped, the second secondary's time frame changed and a new primary added, so the verdicts
 * are not_reported, prespecified, timeframe_changed, prespecified, added.
 */
export function switchedOutcomes(): { kind: string; measure: string; timeFrame: string }[] {
  const [stroke, mortality, sinus] = EXAMPLE_STUDY.protocolSection.outcomesModule.secondaryOutcomes;
  return [
    { kind: 'secondary', measure: stroke.measure, timeFrame: stroke.timeFrame },
    { kind: 'secondary', measure: mortality.measure, timeFrame: '12 months' },
    { kind: 'secondary', measure: sinus.measure, timeFrame: sinus.timeFrame },
    { kind: 'primary', measure: 'Quality of life (EQ-5D)', timeFrame: '12 months' },
  ];
}

export const PROTOCOL_COMMITMENT = 'a'.repeat(64);
export const SAP_COMMITMENT = 'b'.repeat(64);
export const COMMITMENTS = { protocolCommitment: PROTOCOL_COMMITMENT, sapCommitment: SAP_COMMITMENT };

// A chain for the trials module's tx tests: a research sponsor (node key), a second sponsor, St Mary
// Hospital as the site, a regulator, and two registered patients.
export const sponsorNode = party('acme research node');
export const otherSponsorNode = party('other research node');
export const bob = party('bob');
export const SEED = '5e'.repeat(32);
export const SITE = 'st-mary';

export function trialsChain(): TestChain {
  const chain = new TestChain(
    testGenesis({
      membership: {
        organisations: [
          stMaryOrg(),
          genesisOrg('acme-research', 'Acme Research', 'research-sponsor', party('acme admin'), [
            sponsorNode,
          ]),
          genesisOrg('other-research', 'Other Research', 'research-sponsor', party('other admin'), [
            otherSponsorNode,
          ]),
          genesisOrg('regulator', 'Medicines Agency', 'regulator', party('regulator admin'), []),
        ],
      },
    }),
  );
  for (const patient of [alice, bob])
    assert.equal(chain.submit(patient, 'membership.registerPatient', {}), 'ok');
  chain.commit();
  return chain;
}

export const exampleRegistration = (): TrialRegistration => registrationFromCtGov(EXAMPLE_STUDY, COMMITMENTS);

/** Registers the example study and commits the seed, each in its own block; answers the trial id. */
export function registeredTrial(chain: TestChain, registration = exampleRegistration()): string {
  assert.equal(
    chain.submit(sponsorNode, 'trials.register', { registration, primaryCompletionDate: '2027-06-30' }),
    'ok',
  );
  const id = chain.lastTxHash;
  chain.commit();
  assert.equal(
    chain.submit(sponsorNode, 'trials.commitSeed', { trialId: id, seedCommitment: seedCommitment(SEED) }),
    'ok',
  );
  chain.commit();
  return id;
}
