// The HTTP side of every test against a running node: one JSON fetch, one poll-until-true, and free
// loopback ports. Each test used to carry its own copy of these.
import type { ConsentEvent } from '../../src/contract/consents.ts';
import { parseServerSentEvents } from '../../src/contract/sse.ts';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

/** Fetches and parses a JSON answer (an empty body is `null`); gives up after 20 s. */
export async function http(url: string, init: RequestInit = {}): Promise<HttpAnswer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(20_000), ...init });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
}

export async function getJson(url: string): Promise<any> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return response.json();
}

export function postJson(target: string, body: unknown, token?: string): Promise<HttpAnswer> {
  return http(target, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
}

/** A node's committed height, from its public status. */
export async function heightOf(apiUrl: string): Promise<number> {
  return (await getJson(`${apiUrl}/api/v1/status`)).height as number;
}

/** Polls until `condition` is true or `timeoutMs` passes; returns whether it became true. */
export async function waitFor(
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  stepMs = 200,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await condition()) return true;
    } catch {
      // a node that is down or restarting: keep polling
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return false;
}

export interface EventStreamOf<E> {
  /** The HTTP status the stream was opened (or refused) with. */
  readonly status: number;
  /** Every event of the stream's name received so far, in order. */
  readonly events: E[];
  /** Everything received so far, as sent (to look for what must not be there). */
  text(): string;
  close(): void;
}

export type ConsentEventStream = EventStreamOf<ConsentEvent>;

/** Opens GET /api/v1/events/mine as `token` (none if undefined) and collects its events until closed. */
export function openConsentEvents(apiUrl: string, token?: string): Promise<ConsentEventStream> {
  return openEventStream<ConsentEvent>(`${apiUrl}/api/v1/events/mine`, 'consent', token);
}

/** Opens an SSE stream at `url` as `token` and collects its `name` events until closed. */
export async function openEventStream<E>(
  url: string,
  name: string,
  token?: string,
): Promise<EventStreamOf<E>> {
  const stop = new AbortController();
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const response = await fetch(url, { headers, signal: stop.signal });
  const events: E[] = [];
  let text = '';
  if (response.ok && response.body !== null) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let rest = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += value;
        const parsed = parseServerSentEvents<E>(rest + value, name);
        rest = parsed.rest;
        events.push(...parsed.events);
      }
    })().catch(() => undefined);
  } else {
    await response.body?.cancel();
  }
  return { status: response.status, events, text: () => text, close: () => stop.abort() };
}

export { freePorts } from './ports.ts';
