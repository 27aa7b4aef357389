// Waiting for this node's copy of the chain to reach what a peer has already seen. A peer that asks after
// a commit at its own node may be a block ahead of this one (nodes are never in step), so a node-to-node
// request first waits, briefly and boundedly, for this node to catch up, and the caller refuses with its
// own error when it does not.

/** How long a peer's request may wait for this node to catch up. */
export const CHAIN_WAIT_MS_MAX = 5_000;
const POLL_MS = 25;

/** Polls `read` until it gives a value or `maxMs` has passed (then undefined). */
async function poll<T>(read: () => T | undefined, maxMs: number): Promise<T | undefined> {
  for (let waited = 0; ; waited += POLL_MS) {
    const value = read();
    if (value !== undefined || waited >= maxMs) return value;
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
}

interface ChainView {
  readonly ledger: { tip(): { readonly height: number } };
}

/** True once the node's chain is at `height` or beyond; false if it is not within `maxMs`. */
export async function untilHeight(
  node: ChainView,
  height: number,
  maxMs = CHAIN_WAIT_MS_MAX,
): Promise<boolean> {
  return (await poll(() => (node.ledger.tip().height >= height ? true : undefined), maxMs)) ?? false;
}

/** What `read` gives once it gives anything (a tx final on this chain, say), or undefined after `maxMs`. */
export function untilFound<T>(read: () => T | undefined, maxMs = CHAIN_WAIT_MS_MAX): Promise<T | undefined> {
  return poll(read, maxMs);
}
