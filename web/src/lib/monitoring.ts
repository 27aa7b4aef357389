// Remote monitoring for the clinician's dashboard (issue 18): the organisation's devices and escalations
// (committed state, listed by the node for its staff), a device's readings (the FHIR search by device,
// which the node answers only once the read's access event is on chain), the practitioner's own signed
// acknowledgement, and the organisation's live alerts (SSE at /api/v1/monitoring/alerts, read with fetch
// so the token travels in a header; while the stream is down the page polls).
import type { Observation } from 'fhir/r4.js';
import { useEffect, useRef } from 'react';
import type { FhirBundle } from '../../../src/contract/fhir.ts';
import type { DeviceListBody, EscalationBody, EscalationListBody } from '../../../src/contract/monitoring.ts';
import { parseServerSentEvents } from '../../../src/contract/sse.ts';
import { request } from './http.ts';
import { signAndCommit } from './ledger.ts';

export type DeviceSummary = DeviceListBody['items'][number];
export type Escalation = EscalationBody;

export const listDevices = (token: string) =>
  request<DeviceListBody>('/api/v1/monitoring/devices?limit=100', { token });
export const listEscalations = (token: string) =>
  request<EscalationListBody>('/api/v1/monitoring/escalations?limit=100', { token });

/** The practitioner acknowledges with their own key: the chain, not the node, says who and when. */
export const acknowledge = (seed: Uint8Array, escalationId: string) =>
  signAndCommit(seed, 'monitoring.ackEscalation', { escalationId });

/** IEEE 11073 MDC codes a pulse oximeter or blood-pressure cuff sends, in words (others keep their code). */
export const MDC_WORDS: Readonly<Record<string, { label: string; unit: string }>> = {
  '150456': { label: 'Oxygen saturation (SpO₂)', unit: '%' },
  '149530': { label: 'Pulse rate', unit: 'beats/min' },
  '147842': { label: 'Heart rate', unit: 'beats/min' },
  '150020': { label: 'Blood pressure', unit: 'mmHg' },
  '150021': { label: 'Systolic blood pressure', unit: 'mmHg' },
  '150022': { label: 'Diastolic blood pressure', unit: 'mmHg' },
  '150364': { label: 'Body temperature', unit: '°C' },
  '151562': { label: 'Respiration rate', unit: 'breaths/min' },
};

export interface ReadingPoint {
  readonly atMs: number;
  readonly value: number;
}

/** A device's readings since `sinceMs`, oldest first, one series per MDC code. */
export async function deviceReadings(
  token: string,
  systemId: string,
  sinceMs: number,
): Promise<Map<string, ReadingPoint[]>> {
  const since = new Date(sinceMs).toISOString();
  const bundle = await request<FhirBundle>(
    `/fhir/R4/Observation?device=Device/${systemId}&date=ge${encodeURIComponent(since)}&_count=1000`,
    { token, fhir: true },
  );
  const series = new Map<string, ReadingPoint[]>();
  for (const entry of bundle.entry ?? []) {
    const reading = entry.resource as Observation | undefined;
    const code = reading?.code?.coding?.[0]?.code;
    const value = reading?.valueQuantity?.value;
    const atMs = Date.parse(reading?.effectiveDateTime ?? '');
    if (code === undefined || typeof value !== 'number' || !Number.isFinite(atMs)) continue;
    series.set(code, [...(series.get(code) ?? []), { atMs, value }]);
  }
  return series;
}

/** How often the dashboard refetches while it has no alert stream, and when it tries the stream again. */
const POLL_MS = 10_000;

/** Reads the alert stream until it ends or `signal` aborts; false if it could not be opened. */
async function followAlerts(token: string, signal: AbortSignal, onEvent: () => void): Promise<boolean> {
  const response = await fetch('/api/v1/monitoring/alerts', {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal,
  });
  if (!response.ok || response.body === null) return false;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return true;
    const { events, rest } = parseServerSentEvents<unknown>(buffered + value, 'escalation');
    buffered = rest;
    if (events.length > 0) onEvent();
  }
}

/** Calls `onChange` when an escalation of the organisation opens or is acknowledged (or on each poll while down). */
export function useAlerts(token: string | undefined, onChange: () => void): void {
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    if (token === undefined) return;
    const stop = new AbortController();
    const tell = () => latest.current();
    void (async () => {
      while (!stop.signal.aborted) {
        await followAlerts(token, stop.signal, tell).catch(() => false);
        if (stop.signal.aborted) return;
        tell();
        await new Promise((done) => setTimeout(done, POLL_MS));
      }
    })();
    return () => stop.abort();
  }, [token]);
}
