// Asking another member organisation over the node-to-node channel. An organisation may run several nodes,
// and any of them may be down, slow or refusing, or answer something this node will not take: the request
// goes to its nodes in the order the chain lists them until one answer is taken.
import { organisation } from '../app/membership/queries.ts';
import type { CarechainNode } from '../node/node.ts';

/**
 * The first answer `take` makes something of (it returns undefined, or throws, to pass to the
 * organisation's next node); undefined when no node's answer was taken or this node has no network.
 */
export async function askOrganisation<T>(
  node: CarechainNode,
  orgId: string,
  method: string,
  params: unknown,
  take: (answer: unknown, nodeKey: string) => T | undefined,
): Promise<T | undefined> {
  const network = node.network;
  if (network === undefined) return undefined;
  for (const nodeKey of organisation(node.ledger.state, orgId)?.nodeKeys ?? []) {
    try {
      const taken = take(await network.request(nodeKey, method, params), nodeKey);
      if (taken !== undefined) return taken;
    } catch {
      // That node is down, slow or refused, or its answer did not hold: try the organisation's next node.
    }
  }
  return undefined;
}
