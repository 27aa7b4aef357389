// Which emergency reads a privacy officer has marked as reviewed, kept in this browser per officer key.
// A working list for the officer, not a record: the reads themselves and their reasons stay on the node
// and the ledger, whatever is marked here.
const KEY_PREFIX = 'carechain.reviewed.';

export function reviewedEvents(officerKey: string): ReadonlySet<string> {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(KEY_PREFIX + officerKey) ?? '[]');
    return new Set(Array.isArray(stored) ? stored.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

export function setReviewed(officerKey: string, eventId: string, on: boolean): ReadonlySet<string> {
  const next = new Set(reviewedEvents(officerKey));
  if (on) next.add(eventId);
  else next.delete(eventId);
  localStorage.setItem(KEY_PREFIX + officerKey, JSON.stringify([...next]));
  return next;
}
