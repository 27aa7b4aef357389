// GA4GH Data Use Ontology (DUO, Dyke et al. 2016; obolibrary.org/obo/duo.owl): one permission saying what
// research a dataset (or a person's consent) allows, and modifiers adding conditions.

/** Permissions: NRES no restriction, GRU general research, HMB health/medical/biomedical, DS disease-specific, POA population origins/ancestry only. */
export type DuoPermission =
  | { readonly code: 'NRES' }
  | { readonly code: 'GRU' }
  | { readonly code: 'HMB' }
  | { readonly code: 'DS'; readonly diseases: readonly string[] }
  | { readonly code: 'POA' };

export type DuoModifier =
  | { readonly code: 'NPU' } // not-for-profit organisation use only (DUO:0000045)
  | { readonly code: 'NCU' } // non-commercial use only (DUO:0000046)
  | { readonly code: 'NMDS' } // no general methods research (DUO:0000015)
  | { readonly code: 'GSO' } // genetic studies only (DUO:0000016)
  | { readonly code: 'IRB' } // ethics approval required (DUO:0000021)
  | { readonly code: 'PUB' } // publication required (DUO:0000019)
  | { readonly code: 'COL' } // collaboration required (DUO:0000020)
  | { readonly code: 'RTN' } // return to database or resource (DUO:0000029)
  | { readonly code: 'NPOA' } // population origins or ancestry research prohibited (DUO:0000044)
  | { readonly code: 'CC' } // clinical care use (DUO:0000043)
  | { readonly code: 'GS'; readonly countries: readonly string[] } // geographical restriction (DUO:0000022)
  | { readonly code: 'TS'; readonly untilMs: number } // time limit on use (DUO:0000025)
  | { readonly code: 'US'; readonly users: readonly string[] } // user-specific restriction (DUO:0000026)
  | { readonly code: 'PS'; readonly projects: readonly string[] } // project-specific restriction (DUO:0000027)
  | { readonly code: 'IS'; readonly institutions: readonly string[] }; // institution-specific (DUO:0000028)

export interface DataUse {
  readonly permission: DuoPermission;
  readonly modifiers: readonly DuoModifier[];
}

export const DUO_IDS: Readonly<Record<DuoPermission['code'] | DuoModifier['code'], string>> = {
  NRES: 'DUO:0000004',
  GRU: 'DUO:0000042',
  HMB: 'DUO:0000006',
  DS: 'DUO:0000007',
  POA: 'DUO:0000011',
  NPU: 'DUO:0000045',
  NCU: 'DUO:0000046',
  NMDS: 'DUO:0000015',
  GSO: 'DUO:0000016',
  IRB: 'DUO:0000021',
  PUB: 'DUO:0000019',
  COL: 'DUO:0000020',
  RTN: 'DUO:0000029',
  NPOA: 'DUO:0000044',
  CC: 'DUO:0000043',
  GS: 'DUO:0000022',
  TS: 'DUO:0000025',
  US: 'DUO:0000026',
  PS: 'DUO:0000027',
  IS: 'DUO:0000028',
};

/** The patient app's plain-words reading of each code (issue 19: "consent in plain words"). */
export function plainWords(item: DuoPermission | DuoModifier): string {
  switch (item.code) {
    case 'NRES':
      return 'Any use, with no restriction.';
    case 'GRU':
      return 'Any kind of research.';
    case 'HMB':
      return 'Health, medical or biomedical research only.';
    case 'DS':
      return `Research on these diseases only: ${item.diseases.join(', ')}.`;
    case 'POA':
      return 'Research on population origins or ancestry only.';
    case 'NPU':
      return 'Only by not-for-profit organisations.';
    case 'NCU':
      return 'No commercial use.';
    case 'NMDS':
      return 'Not for developing general research methods.';
    case 'GSO':
      return 'Genetic studies only.';
    case 'IRB':
      return 'Only with approval from an ethics committee.';
    case 'PUB':
      return 'The researchers must publish their results.';
    case 'COL':
      return 'The researchers must collaborate with the study that collected the data.';
    case 'RTN':
      return 'Results must be returned to the data holder.';
    case 'NPOA':
      return 'Not for research on population origins or ancestry.';
    case 'CC':
      return 'May also be used for clinical care.';
    case 'GS':
      return `Only by researchers in: ${item.countries.join(', ')}.`;
    case 'TS':
      return 'Only until a set date.';
    case 'US':
      return 'Only by named researchers.';
    case 'PS':
      return 'Only for named projects.';
    case 'IS':
      return 'Only by named institutions.';
  }
}
