// The standard vocabulary that EPCIS 2.0 JSON-LD writes as bare words ("shipping", "po", "Temperature")
// and the CBV 2.0 event hash writes as full Web URIs (CBV 2.0 §8.9 rule 16). Term lists as published in
// the GS1 EPCIS 2.0 JSON-LD context files (gs1/EPCIS, JSON-LD-Context/); each term T stands for
// <base><prefix>T. Only the fields whose context declares "@type": "@vocab" are expanded.

/** CBV 2.0 §7.1 business steps (cbv-context-bizstep.jsonld). */
const BIZ_STEPS = [
  'accepting',
  'arriving',
  'assembling',
  'collecting',
  'commissioning',
  'consigning',
  'creating_class_instance',
  'cycle_counting',
  'decommissioning',
  'departing',
  'destroying',
  'disassembling',
  'dispensing',
  'encoding',
  'entering_exiting',
  'holding',
  'inspecting',
  'installing',
  'killing',
  'loading',
  'other',
  'packing',
  'picking',
  'receiving',
  'removing',
  'repackaging',
  'repairing',
  'replacing',
  'reserving',
  'retail_selling',
  'sampling',
  'sensor_reporting',
  'shipping',
  'staging_outbound',
  'stock_taking',
  'stocking',
  'storing',
  'transporting',
  'unloading',
  'unpacking',
  'void_shipping',
];

/** CBV 2.0 §7.2 dispositions (cbv-context-disposition.jsonld). */
const DISPOSITIONS = [
  'active',
  'available',
  'completeness_verified',
  'completeness_inferred',
  'conformant',
  'container_closed',
  'container_open',
  'damaged',
  'destroyed',
  'dispensed',
  'disposed',
  'encoded',
  'expired',
  'in_progress',
  'in_transit',
  'inactive',
  'mismatch_instance',
  'mismatch_class',
  'mismatch_quantity',
  'needs_replacement',
  'no_pedigree_match',
  'non_conformant',
  'non_sellable_other',
  'partially_dispensed',
  'recalled',
  'reserved',
  'retail_sold',
  'returned',
  'sellable_accessible',
  'sellable_not_accessible',
  'stolen',
  'unavailable',
  'unknown',
];

/** CBV 2.0 §7.3 business transaction types (cbv-context-biztransaction-type.jsonld). */
const BIZ_TRANSACTION_TYPES = [
  'bol',
  'cert',
  'desadv',
  'inv',
  'pedigree',
  'po',
  'poc',
  'prodorder',
  'recadv',
  'rma',
  'testprd',
  'testres',
  'upevt',
];

/** CBV 2.0 §7.4 source/destination types (cbv-context-sourcedest-type.jsonld). */
const SOURCE_DESTINATION_TYPES = ['owning_party', 'possessing_party', 'location'];

/** CBV 2.0 §7.5 error reasons (cbv-context-error-reason.jsonld). */
const ERROR_REASONS = ['did_not_occur', 'incorrect_data'];

/** CBV 2.0 §7.6 sensor components (cbv-context-component.jsonld). */
const COMPONENTS = [
  'x',
  'y',
  'z',
  'axial_distance',
  'azimuth',
  'height',
  'spherical_radius',
  'polar_angle',
  'elevation_angle',
  'easting',
  'northing',
  'latitude',
  'longitude',
  'altitude',
];

/** GS1 Web Vocabulary measurement types (gs1-context-measurement-type.jsonld). */
const MEASUREMENT_TYPES = [
  'AbsoluteHumidity',
  'AbsorbedDose',
  'AbsorbedDoseRate',
  'Acceleration',
  'Radioactivity',
  'Altitude',
  'AmountOfSubstance',
  'AmountOfSubstancePerUnitVolume',
  'Angle',
  'AngularAcceleration',
  'AngularMomentum',
  'AngularVelocity',
  'Area',
  'Capacitance',
  'Conductance',
  'Conductivity',
  'Count',
  'Density',
  'Dimensionless',
  'DoseEquivalent',
  'DoseEquivalentRate',
  'DynamicViscosity',
  'ElectricCharge',
  'ElectricCurrent',
  'ElectricCurrentDensity',
  'ElectricFieldStrength',
  'Energy',
  'Exposure',
  'Force',
  'Frequency',
  'Illuminance',
  'Inductance',
  'Irradiance',
  'KinematicViscosity',
  'Length',
  'LinearMomentum',
  'Luminance',
  'LuminousFlux',
  'LuminousIntensity',
  'MagneticFlux',
  'MagneticFluxDensity',
  'MagneticVectorPotential',
  'Mass',
  'MassConcentration',
  'MassFlowRate',
  'MassPerAreaTime',
  'MemoryCapacity',
  'MolalityOfSolute',
  'MolarEnergy',
  'MolarMass',
  'MolarVolume',
  'Power',
  'Pressure',
  'RadiantFlux',
  'RadiantIntensity',
  'RelativeHumidity',
  'Resistance',
  'Resistivity',
  'SolidAngle',
  'SpecificVolume',
  'Speed',
  'SurfaceDensity',
  'SurfaceTension',
  'Temperature',
  'Time',
  'Torque',
  'Voltage',
  'Volume',
  'VolumeFlowRate',
  'VolumeFraction',
  'VolumetricFlux',
  'Wavenumber',
];

/** GS1 Web Vocabulary sensor alert types (gs1-context-sensor-alert-type.jsonld). */
const SENSOR_ALERT_TYPES = ['ALARM_CONDITION', 'ERROR_CONDITION'];

export const CBV_BASE = 'https://ref.gs1.org/cbv/';
export const GS1_VOC_BASE = 'https://gs1.org/voc/';

interface Vocabulary {
  readonly base: string;
  readonly terms: ReadonlySet<string>;
}

const vocabulary = (base: string, terms: readonly string[]): Vocabulary => ({ base, terms: new Set(terms) });

/** Vocabulary by the event field that holds it. */
export const VOCABULARY_BY_FIELD = {
  bizStep: vocabulary(`${CBV_BASE}BizStep-`, BIZ_STEPS),
  disposition: vocabulary(`${CBV_BASE}Disp-`, DISPOSITIONS),
  bizTransactionType: vocabulary(`${CBV_BASE}BTT-`, BIZ_TRANSACTION_TYPES),
  sourceDestinationType: vocabulary(`${CBV_BASE}SDT-`, SOURCE_DESTINATION_TYPES),
  errorReason: vocabulary(`${CBV_BASE}ER-`, ERROR_REASONS),
  component: vocabulary(`${CBV_BASE}Comp-`, COMPONENTS),
  measurementType: vocabulary(GS1_VOC_BASE, MEASUREMENT_TYPES),
  sensorAlertType: vocabulary(GS1_VOC_BASE, SENSOR_ALERT_TYPES),
} as const;

export type VocabularyField = keyof typeof VOCABULARY_BY_FIELD;

/** The full URI of a bare vocabulary word, or undefined when the word is not in that vocabulary. */
export function expandTerm(field: VocabularyField, value: string): string | undefined {
  const { base, terms } = VOCABULARY_BY_FIELD[field];
  return terms.has(value) ? base + value : undefined;
}

/** CBV 1.x URNs and their CBV 2.0 Web URI prefixes (CBV 2.0 §8.9 rule 14). */
export const CBV_URN_PREFIXES: ReadonlyArray<readonly [urn: string, uri: string]> = [
  ['urn:epcglobal:cbv:bizstep:', `${CBV_BASE}BizStep-`],
  ['urn:epcglobal:cbv:disp:', `${CBV_BASE}Disp-`],
  ['urn:epcglobal:cbv:btt:', `${CBV_BASE}BTT-`],
  ['urn:epcglobal:cbv:sdt:', `${CBV_BASE}SDT-`],
  ['urn:epcglobal:cbv:er:', `${CBV_BASE}ER-`],
];
