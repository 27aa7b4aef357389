// Live consent updates (issue 14): the caller's own Server-Sent Events at /api/v1/events/mine, read with
// fetch so the token travels in the Authorization header (EventSource cannot send one, and a token in a
// URL ends up in logs). Each `consent` event (ConsentEvent: kind, tx hash, ids; no PHI) tells the page to
// refetch what it shows. When the stream cannot be opened or drops, the page polls instead, and the
// stream is tried again after a while.
import { useEffect, useRef } from 'react';
import { parseConsentEvents, type ConsentEvent } from '../../../src/contract/consents.ts';
import { useSession } from './session.tsx';

export const MY_EVENTS_PATH = '/api/v1/events/mine';
/** How often the page refetches while it has no stream. */
const POLL_MS = 10_000;
/** How long after a failed or dropped stream it is opened again. */
const RECONNECT_MS = 30_000;

/** Reads the stream until it ends or `signal` aborts; resolves false if it could not be opened. */
async function follow(
  token: string,
  signal: AbortSignal,
  onOpen: () => void,
  onEvent: (e: ConsentEvent) => void,
): Promise<boolean> {
  const response = await fetch(MY_EVENTS_PATH, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal,
  });
  if (!response.ok || response.body === null) return false;
  onOpen();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return true;
    const { events, rest } = parseConsentEvents(buffered + value);
    buffered = rest;
    events.forEach(onEvent);
  }
}

type Listener = (event: ConsentEvent | undefined) => void;

/** One stream per page and token, shared by every component that listens (the node bounds streams per caller). */
const shared = new Map<string, { listeners: Set<Listener>; stop: AbortController }>();

function connect(token: string, listeners: Set<Listener>, stop: AbortController): void {
  const tell = (event: ConsentEvent | undefined) => listeners.forEach((l) => l(event));
  let poll: ReturnType<typeof setInterval> | undefined;
  stop.signal.addEventListener('abort', () => clearInterval(poll));
  const run = async (): Promise<void> => {
    // Reopened after a gap: catch up on what the gap's last poll may have missed.
    let reopened = false;
    const onOpen = () => reopened && tell(undefined);
    while (!stop.signal.aborted) {
      const opened = await follow(token, stop.signal, onOpen, tell).catch(() => false);
      reopened = true;
      if (stop.signal.aborted) return;
      // Down: poll until the next try.
      tell(undefined);
      poll ??= setInterval(() => tell(undefined), POLL_MS);
      await new Promise((done) => setTimeout(done, opened ? POLL_MS : RECONNECT_MS));
      clearInterval(poll);
      poll = undefined;
    }
  };
  void run();
}

/**
 * Calls `onChange` whenever a consent event concerning the signed-in person arrives (with the event), or
 * on each poll while the stream is down (with undefined: something may have changed).
 */
export function useConsentEvents(onChange: Listener): void {
  const { current } = useSession();
  const token = current?.session.token;
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    if (token === undefined) return;
    const listener: Listener = (event) => latest.current(event);
    let entry = shared.get(token);
    if (entry === undefined) {
      entry = { listeners: new Set(), stop: new AbortController() };
      shared.set(token, entry);
      connect(token, entry.listeners, entry.stop);
    }
    entry.listeners.add(listener);
    const mine = entry;
    return () => {
      mine.listeners.delete(listener);
      if (mine.listeners.size > 0) return;
      mine.stop.abort();
      shared.delete(token);
    };
  }, [token]);
}
