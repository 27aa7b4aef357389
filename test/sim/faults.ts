// The fault phase's schedule: partitions (symmetric or one-way; dropping what is sent across, or
// holding it to deliver late when they heal) that come and go, and crashes with
// restarts, some of them right after a node persisted a vote and before it sent it. All of it ends at
// healing time, when run.ts restarts every node and reconnects every link.
import type { EventQueue, Network } from './network.ts';
import type { Packet, SimNode } from './node.ts';
import type { Rng } from './prng.ts';
import type { Scenario } from './scenarios.ts';

export function scheduleFaults(
  scenario: Scenario,
  rng: Rng,
  queue: EventQueue,
  network: Network<Packet>,
  nodes: readonly SimNode[],
  healMs: number,
): void {
  if (scenario.partitions) {
    for (let t = rng.range(100, 600); t < healMs;) {
      const durationMs = rng.range(200, 1500);
      const ids = rng.shuffle(nodes.map((node) => node.id));
      const cut = rng.range(1, ids.length - 1);
      const groups = [ids.slice(0, cut), ids.slice(cut)];
      const oneWay = rng.chance(0.3);
      const hold = rng.chance(0.5);
      queue.at(t, () => network.partition(groups, oneWay, hold));
      queue.at(Math.min(t + durationMs, healMs), () => network.heal());
      t += durationMs + rng.range(50, 800);
    }
  }
  if (scenario.crashes) {
    for (let t = rng.range(100, 600); t < healMs; t += rng.range(100, 700)) {
      const node = rng.pick(nodes);
      const afterPersist = rng.chance(0.5);
      const downMs = rng.range(50, 1500);
      queue.at(t, () => {
        if (!node.up) return;
        // Half the crashes strike between persisting a signed message and sending it.
        if (afterPersist) node.crashAfterPersist = true;
        else node.crash();
      });
      queue.at(Math.min(t + downMs, healMs), () => {
        node.crashAfterPersist = false;
        if (!node.up) node.boot();
      });
    }
  }
}
