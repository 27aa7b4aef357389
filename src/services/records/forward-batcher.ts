// Forwarded reads travel to the custodian in batches. The node-to-node channel admits 16 concurrent
// streams per peer (src/node/p2p/inbound.ts, a memory bound), and a forwarded read holds its stream for a
// block while its access event commits, so one read per stream capped cross-organisation reads at ~15 in
// flight (bench/RESULTS.md). Here a node keeps at most BATCHES_IN_FLIGHT_MAX requests open to one
// custodian and sends whatever queued meanwhile together: one read alone leaves at once, and under load
// each request carries up to FORWARD_BATCH_MAX reads, whose access events the custodian commits in the
// same block.
import type { CarechainNode } from '../../node/node.ts';
import type { ForwardedAnswer, ForwardedRequest } from './forwarding.ts';

/** Reads one request may carry; the custodian refuses larger batches. */
export const FORWARD_BATCH_MAX = 16;
/** Requests one node keeps open to one custodian: half the peer's streams, leaving room for block sync. */
const BATCHES_IN_FLIGHT_MAX = 8;

type SendBatch = (custodianOrgId: string, requests: ForwardedRequest[]) => Promise<ForwardedAnswer[]>;

interface Waiting {
  readonly request: ForwardedRequest;
  resolve(answer: ForwardedAnswer): void;
  reject(err: unknown): void;
}

interface Queue {
  readonly waiting: Waiting[];
  inFlight: number;
}

export class ForwardBatcher {
  private readonly send: SendBatch;
  private readonly queues = new Map<string, Queue>();

  constructor(send: SendBatch) {
    this.send = send;
  }

  forward(custodianOrgId: string, request: ForwardedRequest): Promise<ForwardedAnswer> {
    let queue = this.queues.get(custodianOrgId);
    if (queue === undefined) {
      queue = { waiting: [], inFlight: 0 };
      this.queues.set(custodianOrgId, queue);
    }
    const answer = new Promise<ForwardedAnswer>((resolve, reject) => {
      queue.waiting.push({ request, resolve, reject });
    });
    this.pump(custodianOrgId, queue);
    return answer;
  }

  private pump(custodianOrgId: string, queue: Queue): void {
    while (queue.inFlight < BATCHES_IN_FLIGHT_MAX && queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, FORWARD_BATCH_MAX);
      queue.inFlight++;
      void this.send(
        custodianOrgId,
        batch.map((w) => w.request),
      )
        .then(
          (answers) => batch.forEach((w, i) => w.resolve(answers[i]!)),
          (err: unknown) => batch.forEach((w) => w.reject(err)),
        )
        .finally(() => {
          queue.inFlight--;
          this.pump(custodianOrgId, queue);
        });
    }
  }
}

const batchers = new WeakMap<CarechainNode, ForwardBatcher>();

/** The node's one batcher (created on first use). */
export function batcherFor(node: CarechainNode, send: SendBatch): ForwardBatcher {
  let batcher = batchers.get(node);
  if (batcher === undefined) {
    batcher = new ForwardBatcher(send);
    batchers.set(node, batcher);
  }
  return batcher;
}
