// Operator-only details (issue 10, finding 11): `/metrics` and the peers' network addresses in
// `/api/v1/status` map an institution's network for an attacker, so they are answered in full only to
// the node's own machine (a loopback client: the operator, or a Prometheus scraper beside the node).
// Everyone else gets a 403 for metrics and the peers without their addresses. A scraper elsewhere
// reaches the node through an SSH tunnel or a local proxy the operator runs.
import type { FastifyRequest } from 'fastify';

/** Whether the request came from this machine (IPv4 127/8, IPv6 ::1, or IPv4-mapped loopback). */
export function isLocalRequest(request: Pick<FastifyRequest, 'socket'>): boolean {
  const address = request.socket.remoteAddress ?? '';
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}
