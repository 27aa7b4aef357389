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

/** A chart row, bands ascending: `upTo[i]` is band i's highest value; one more `points` than `upTo` (above all). */
type Bands = { readonly upTo: readonly number[]; readonly points: readonly number[] };

function band(value: number, { upTo, points }: Bands): number {
  const i = upTo.findIndex((highest) => value <= highest);
  return points[i < 0 ? upTo.length : i]!;
}

// Chart 1 rows. Respiration rate, systolic BP and pulse are whole numbers; temperature is in tenths of a
// degree so that its bands (≤35.0, 35.1–36.0, …) compare as integers, with no float edge at 36.05.
const RESPIRATION: Bands = { upTo: [8, 11, 20, 24], points: [3, 1, 0, 2, 3] };
const SPO2_SCALE_1: Bands = { upTo: [91, 93, 95], points: [3, 2, 1, 0] };
// Scale 2 below and in its target range (88–92%) scores the same on air or oxygen, and ≥ 93 on air is 0.
const SPO2_SCALE_2: Bands = { upTo: [83, 85, 87], points: [3, 2, 1, 0] };
// Above the target range scale 2 scores only on oxygen: over-oxygenation risks hypercapnia.
const SPO2_SCALE_2_ON_OXYGEN: Bands = { upTo: [92, 94, 96], points: [0, 1, 2, 3] };
const SYSTOLIC: Bands = { upTo: [90, 100, 110, 219], points: [3, 2, 1, 0, 3] };
const PULSE: Bands = { upTo: [40, 50, 90, 110, 130], points: [3, 1, 0, 1, 2, 3] };
const TEMPERATURE_TENTHS: Bands = { upTo: [350, 360, 380, 390], points: [3, 1, 0, 1, 2] };

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
  if (scale === 1) return band(spo2, SPO2_SCALE_1);
  if (spo2 <= 87 || !onOxygen) return band(spo2, SPO2_SCALE_2);
  return band(spo2, SPO2_SCALE_2_ON_OXYGEN);
}

/**
 * The seven component scores. Values are first rounded to the chart's resolution (whole numbers, and
 * temperature to 0.1 °C), as a nurse charting them would, so every value falls in exactly one band.
 */
export function news2Components(vitals: News2Vitals): News2Components {
  checkVitals(vitals);
  return {
    respiratoryRate: band(Math.round(vitals.respiratoryRate), RESPIRATION),
    spo2: spo2Points(Math.round(vitals.spo2), vitals.spo2Scale, vitals.onOxygen),
    airOrOxygen: vitals.onOxygen ? 2 : 0,
    systolicBP: band(Math.round(vitals.systolicBP), SYSTOLIC),
    pulse: band(Math.round(vitals.pulse), PULSE),
    consciousness: vitals.consciousness === 'A' ? 0 : 3,
    temperature: band(Math.round(vitals.temperatureC * 10), TEMPERATURE_TENTHS),
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
