// The Beacon's static self-description (framework configuration/beaconConfigurationSchema.json and
// beaconMapSchema.json): genomic variations at boolean and count granularity for any registered
// researcher (securityLevels: REGISTERED), records only under a Passport visa; individuals (the people
// who carry a queried variant) at boolean and count granularity only.
import { BEACON_PATHS } from '../../contract/beacon.ts';

const FRAMEWORK = 'https://raw.githubusercontent.com/ga4gh-beacon/beacon-v2/main/framework/json';

/** `origin` is where clients reached this node (scheme and host), for the map's absolute URLs. */
export function beaconDocuments(origin: string) {
  const entryTypes = {
    genomicVariant: {
      id: 'genomicVariant',
      name: 'Genomic Variants',
      ontologyTermForThisType: { id: 'ENSGLOSSARY:0000092', label: 'Variant' },
      partOfSpecification: 'Beacon v2.0.0',
      description: 'The valid and consistent set of variants in a genome (GA4GH VRS alleles)',
      defaultSchema: {
        id: 'ga4gh-beacon-variant-v2.0.0',
        name: 'Default schema for a genomic variation',
        referenceToSchemaDefinition: './genomicVariations/defaultSchema.json',
        schemaVersion: 'v2.0.0',
      },
      nonFilteredQueriesAllowed: false,
    },
    individual: {
      id: 'individual',
      name: 'Individuals',
      ontologyTermForThisType: { id: 'NCIT:C25190', label: 'Person' },
      partOfSpecification: 'Beacon v2.0.0',
      description: 'The people whose genomes carry the queried variant, counted under their research consent',
      defaultSchema: {
        id: 'beacon-individual-v2.0.0',
        name: 'Default schema for an individual',
        referenceToSchemaDefinition: './individuals/defaultSchema.json',
        schemaVersion: 'v2.0.0',
      },
      nonFilteredQueriesAllowed: false,
    },
  };
  return {
    configuration: {
      $schema: `${FRAMEWORK}/configuration/beaconConfigurationSchema.json`,
      maturityAttributes: { productionStatus: 'PROD' },
      securityAttributes: { defaultGranularity: 'boolean', securityLevels: ['REGISTERED', 'CONTROLLED'] },
      entryTypes,
    },
    map: {
      $schema: `${FRAMEWORK}/configuration/beaconMapSchema.json`,
      endpointSets: {
        genomicVariant: {
          entryType: 'genomicVariant',
          rootUrl: `${origin}${BEACON_PATHS.gVariants}`,
        },
        individual: {
          entryType: 'individual',
          rootUrl: `${origin}${BEACON_PATHS.individuals}`,
        },
      },
    },
  };
}
