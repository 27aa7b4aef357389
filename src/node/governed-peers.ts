// Who this node lets in and whom it dials, from the committed state instead of genesis (issue 15): a
// clinic voted in can connect from its admission on, and a removed or rotated-away key is cut off once
// the change that takes it out activates (app/governance/transport-keys.ts says which keys). The peers
// file is only an address book: an entry whose key the chain does not admit is not dialled until it
// is, so operators may list a newcomer's address before the vote.
import { transportKeys, validatorKeysAhead } from '../app/governance/index.ts';
import type { StateReader } from '../app/state.ts';
import type { PeerAddress } from './p2p/index.ts';
import type { PeerTransport } from './peer-transport.ts';
import { choosePeers } from './relay.ts';

export interface PeerPlan {
  readonly allowedKeys: ReadonlySet<string>;
  /** The peers to dial: admitted entries of the address book, validators first with bounded fan-out. */
  readonly peers: readonly PeerAddress[];
  /** Whether this node's key is in the set in force or a scheduled one (it relays as a validator). */
  readonly validator: boolean;
}

export class GovernedPeers {
  private readonly addressBook: readonly PeerAddress[];
  private plan: PeerPlan;
  private signature: string;

  constructor(
    addressBook: readonly PeerAddress[],
    private readonly self: { readonly publicKey: string; readonly dialPeersMax: number | undefined },
    state: StateReader,
  ) {
    this.addressBook = addressBook.filter((p) => p.publicKey !== self.publicKey);
    this.plan = this.planFor(state);
    this.signature = signatureOf(this.plan);
  }

  get current(): PeerPlan {
    return this.plan;
  }

  /** Re-plans from the state a commit left; tells the transport only when something changed. */
  refresh(state: StateReader, transport: PeerTransport): void {
    const plan = this.planFor(state);
    const signature = signatureOf(plan);
    if (signature === this.signature) return;
    this.plan = plan;
    this.signature = signature;
    transport.follow?.(plan.peers, plan.allowedKeys);
  }

  private planFor(state: StateReader): PeerPlan {
    const allowedKeys = transportKeys(state);
    const validatorKeys = validatorKeysAhead(state);
    const validator = validatorKeys.has(this.self.publicKey);
    const admitted = this.addressBook.filter((p) => allowedKeys.has(p.publicKey));
    const peers = choosePeers(admitted, validatorKeys, { validator, dialPeersMax: this.self.dialPeersMax });
    return { allowedKeys, peers, validator };
  }
}

function signatureOf(plan: PeerPlan): string {
  const allowed = [...plan.allowedKeys].sort().join(',');
  return `${allowed}|${plan.peers.map((p) => p.publicKey).join(',')}|${plan.validator}`;
}
