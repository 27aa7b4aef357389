// Shapes shared by the transport, its outbound links and its inbound server, in a file of their own so
// those modules do not import each other.

export interface TransportHandlers {
  /** A gossip batch from an allow-listed peer, in the order sent; after a redial, possibly again. */
  onMessages(fromKey: string, messages: readonly unknown[]): void;
  /** Answers a peer's request; a CoreError's code (never its message) is passed back to the caller. */
  onRequest(fromKey: string, method: string, params: unknown): Promise<unknown>;
}

export interface TransportStats {
  /** Gossip messages a peer acknowledged. */
  readonly messagesSent: number;
  readonly messagesReceived: number;
  /** Outbound gossip dropped: queue full, larger than a body, or refused by the peer. */
  readonly messagesDropped: number;
  /** Inbound bodies refused: too large, or not a JSON body of the expected shape. */
  readonly bodiesRefused: number;
  /** Outbound connections that came up (a peer that keeps reconnecting shows here). */
  readonly connectionsOpened: number;
  /** Connections refused by the key check, inbound (key not allowed) or outbound (not the expected key). */
  readonly connectionsRefused: number;
}

/** The mutable tallies behind stats(), shared with the links and the server. */
export type Counters = { -readonly [K in keyof TransportStats]: number };
