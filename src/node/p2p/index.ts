// The node-to-node transport; see transport.ts for the design.
export {
  P2PTransport,
  type PeerAddress,
  type PeerInfo,
  type TransportDependencies,
  type TransportHandlers,
  type TransportOptions,
  type TransportStats,
} from './transport.ts';
