// Server-Sent Events as the node sends them (api/routes/events.ts): `event: <name>` and one `data:` line
// of JSON per event, events separated by a blank line. One parser for every stream's clients (the web
// app, tests): each stream names its events and their type.

/** The `name` events in a chunk of SSE text, and the unfinished rest to prepend to the next chunk. */
export function parseServerSentEvents<E>(text: string, name: string): { events: E[]; rest: string } {
  const blocks = text.split('\n\n');
  const rest = blocks.pop() ?? '';
  const events: E[] = [];
  for (const block of blocks) {
    const lines = block.split('\n');
    if (!lines.includes(`event: ${name}`)) continue;
    const data = lines.find((l) => l.startsWith('data: '));
    if (data !== undefined) events.push(JSON.parse(data.slice('data: '.length)) as E);
  }
  return { events, rest };
}
