// Forwarded reads travel to the custodian in batches. The node-to-node channel admits 16 concurrent
// streams per peer (src/node/p2p/inbound.ts, a memory bound), and a forwarded read holds its stream for a
// block while its access event commits, so one read per stream capped cross-organisation reads at ~15 in
// flight (bench/RESULTS.md). Here a node keeps at most BATCHES_IN_FLIGHT_MAX requests open to one
// custodian and sends whatever queued meanwhile together: one read alone leaves at once, and under load
// each request carries up to FORWARD_BATCH_MAX reads, whose access events the custodian commits in the
// same block. Generic in the request and answer (forwarding.ts's shapes), so it needs nothing from there.
import type { CarechainNode } from '../../node/node.ts';

/** Reads one request may carry; the custodian refuses larger batches. */
export const FORWARD_BATCH_MAX = 16;
/** Requests one node keeps open to one custodian: half the peer's streams, leaving room for block sync. */
const BATCHES_IN_FLIGHT_MAX = 8;

type SendBatch<Request, Answer> = (custodianOrgId: string, requests: Request[]) => Promise<Answer[]>;

interface Waiting<Request, Answer> {
  readonly request: Request;
  resolve(answer: Answer): void;
  reject(err: unknown): void;
}

interface Queue<Request, Answer> {
  readonly waiting: Waiting<Request, Answer>[];
  inFlight: number;
}

export class ForwardBatcher<Request, Answer> {
  private readonly send: SendBatch<Request, Answer>;
  private readonly queues = new Map<string, Queue<Request, Answer>>();

  constructor(send: SendBatch<Request, Answer>) {
    this.send = send;
  }

  forward(custodianOrgId: string, request: Request): Promise<Answer> {
    let queue = this.queues.get(custodianOrgId);
    if (queue === undefined) {
      queue = { waiting: [], inFlight: 0 };
      this.queues.set(custodianOrgId, queue);
    }
    const answer = new Promise<Answer>((resolve, reject) => {
      queue.waiting.push({ request, resolve, reject });
    });
    this.pump(custodianOrgId, queue);
    return answer;
  }

  private pump(custodianOrgId: string, queue: Queue<Request, Answer>): void {
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

const batchers = new WeakMap<CarechainNode, ForwardBatcher<unknown, unknown>>();

/** The node's one batcher (created on first use; forwarding.ts is its one user, with one pair of types). */
export function batcherFor<Request, Answer>(
  node: CarechainNode,
  send: SendBatch<Request, Answer>,
): ForwardBatcher<Request, Answer> {
  let batcher = batchers.get(node) as ForwardBatcher<Request, Answer> | undefined;
  if (batcher === undefined) {
    batcher = new ForwardBatcher(send);
    batchers.set(node, batcher as ForwardBatcher<unknown, unknown>);
  }
  return batcher;
}
