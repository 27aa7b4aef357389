// The transport as the runtime and the relay see it, in a file of its own so that network.ts (which
// owns the relay) and relay.ts (which sends through the transport) do not import each other.
import type { PeerAddress, PeerInfo } from './p2p/index.ts';

/** What the runtime needs of a transport: the P2P transport's public face. */
export interface PeerTransport {
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
  broadcast(message: unknown): void;
  send(peerKey: string, message: unknown): void;
  request(peerKey: string, method: string, params: unknown): Promise<unknown>;
  peers(): PeerInfo[];
  /** Follows a new allow-list and dial list (governance changed who may connect); absent: nothing to do. */
  follow?(peers: readonly PeerAddress[], allowedKeys: ReadonlySet<string>): void;
}
