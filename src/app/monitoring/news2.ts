// The National Early Warning Score 2 (Royal College of Physicians, 2017, Chart 1 and Chart 2), as a pure
// function of one complete vital-signs set. Each parameter scores 0–3 by how far it lies from normal; the
// score is their sum; the clinical risk follows the RCP trigger bands (Chart 2): 7 or more high, 5–6
// medium, a single parameter scoring 3 (with a total below 5) low-medium, otherwise low.
import { CoreError } from '../../core/errors.ts';

export type Consciousness = 'A' | 'C' | 'V' | 'P' | 'U';
export type Spo2Scale = 1 | 2;
export type News2Risk = 'low' | 'low-medium' | 'medium' | 'high';

/** One complete vital-signs set, in the chart's units (per minute, %, mmHg, °C). */
export interface News2Vitals {
  readonly respiratoryRate: number;
  readonly spo2: number;
  /** Scale 2 only for a prescribed target of 88–92% (hypercapnic respiratory failure). */
  readonly spo2Scale: Spo2Scale;
  readonly onOxygen: boolean;
  readonly systolicBP: number;
  readonly pulse: number;
  /** ACVPU: Alert, new Confusion, responds to Voice, to Pain, Unresponsive. */
  readonly consciousness: Consciousness;
  readonly temperatureC: number;
}

export interface News2Components {
  readonly respiratoryRate: number;
  readonly spo2: number;
  readonly airOrOxygen: number;
  readonly systolicBP: number;
  readonly pulse: number;
  readonly consciousness: number;
  readonly temperature: number;
}

export interface News2Result {
  readonly score: number;
  readonly risk: News2Risk;
  readonly components: News2Components;
}

/** A chart row: [highest value of the band, points], ascending; values above the last band score `above`. */
type Bands = readonly (readonly [number, number])[];

function band(value: number, bands: Bands, above: number): number {
  for (const [upTo, points] of bands) if (value <= upTo) return points;
  return above;
}

// Chart 1 rows. Respiration rate, systolic BP and pulse are whole numbers; temperature is in tenths of a
// degree so that its bands (≤35.0, 35.1–36.0, …) compare as integers, with no float edge at 36.05.
const RESPIRATION: Bands = [
  [8, 3],
  [11, 1],
  [20, 0],
  [24, 2],
];
const SPO2_SCALE_1: Bands = [
  [91, 3],
  [93, 2],
  [95, 1],
];
// Scale 2 below its target range (88–92%) scores the same on air or oxygen.
const SPO2_SCALE_2_LOW: Bands = [
  [83, 3],
  [85, 2],
  [87, 1],
  [92, 0],
];
// Above the target range scale 2 scores only on oxygen: over-oxygenation risks hypercapnia.
const SPO2_SCALE_2_ON_OXYGEN: Bands = [
  [94, 1],
  [96, 2],
];
const SYSTOLIC: Bands = [
  [90, 3],
  [100, 2],
  [110, 1],
  [219, 0],
];
const PULSE: Bands = [
  [40, 3],
  [50, 1],
  [90, 0],
  [110, 1],
  [130, 2],
];
const TEMPERATURE_TENTHS: Bands = [
  [350, 3],
  [360, 1],
  [380, 0],
  [390, 1],
];

/** Plausible input ranges: outside them the set is a device or entry fault, not a patient. */
const LIMITS = {
  respiratoryRate: [0, 100],
  spo2: [0, 100],
  systolicBP: [0, 400],
  pulse: [0, 300],
  temperatureC: [20, 45],
} as const;

function checkVitals(vitals: News2Vitals): void {
  for (const [field, [min, max]] of Object.entries(LIMITS)) {
    const value = vitals[field as keyof typeof LIMITS];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw new CoreError('monitoring.invalid_vitals', 'a vital sign is missing or out of range', {
        field,
        min,
        max,
      });
    }
  }
  if (vitals.spo2Scale !== 1 && vitals.spo2Scale !== 2) {
    throw new CoreError('monitoring.invalid_vitals', 'spo2Scale must be 1 or 2', { field: 'spo2Scale' });
  }
  if (typeof vitals.onOxygen !== 'boolean') {
    throw new CoreError('monitoring.invalid_vitals', 'onOxygen must be a boolean', { field: 'onOxygen' });
  }
  if (!['A', 'C', 'V', 'P', 'U'].includes(vitals.consciousness)) {
    throw new CoreError('monitoring.invalid_vitals', 'consciousness must be one of ACVPU', {
      field: 'consciousness',
    });
  }
}

function spo2Points(spo2: number, scale: Spo2Scale, onOxygen: boolean): number {
  if (scale === 1) return band(spo2, SPO2_SCALE_1, 0);
  if (spo2 <= 92 || !onOxygen) return band(spo2, SPO2_SCALE_2_LOW, 0);
  return band(spo2, SPO2_SCALE_2_ON_OXYGEN, 3);
}

/**
 * The seven component scores. Values are first rounded to the chart's resolution (whole numbers, and
 * temperature to 0.1 °C), as a nurse charting them would, so every value falls in exactly one band.
 */
export function news2Components(vitals: News2Vitals): News2Components {
  checkVitals(vitals);
  return {
    respiratoryRate: band(Math.round(vitals.respiratoryRate), RESPIRATION, 3),
    spo2: spo2Points(Math.round(vitals.spo2), vitals.spo2Scale, vitals.onOxygen),
    airOrOxygen: vitals.onOxygen ? 2 : 0,
    systolicBP: band(Math.round(vitals.systolicBP), SYSTOLIC, 3),
    pulse: band(Math.round(vitals.pulse), PULSE, 3),
    consciousness: vitals.consciousness === 'A' ? 0 : 3,
    temperature: band(Math.round(vitals.temperatureC * 10), TEMPERATURE_TENTHS, 2),
  };
}

function points(c: News2Components): number[] {
  return [c.respiratoryRate, c.spo2, c.airOrOxygen, c.systolicBP, c.pulse, c.consciousness, c.temperature];
}

/** The RCP clinical risk (Chart 2) of a total score and its components. */
export function news2Risk(score: number, components: News2Components): News2Risk {
  if (score >= 7) return 'high';
  if (score >= 5) return 'medium';
  if (points(components).includes(3)) return 'low-medium';
  return 'low';
}

export function news2Score(vitals: News2Vitals): News2Result {
  const components = news2Components(vitals);
  const score = points(components).reduce((sum, p) => sum + p, 0);
  return { score, risk: news2Risk(score, components), components };
}

/** Medium and high risk open an escalation for the care team (RCP Chart 3: urgent or emergency response). */
export function news2NeedsEscalation(risk: News2Risk): boolean {
  return risk === 'medium' || risk === 'high';
}
