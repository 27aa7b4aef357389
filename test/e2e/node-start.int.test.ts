// `carechain node` when it cannot start: a port already in use is one clear line and a non-zero exit,
// not a process that printed its error and lived on with consensus running and no API. CI saw the
// second: a test waited two minutes for a node that would never listen.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../harness/chain.ts';
import { waitFor } from '../harness/http.ts';
import { makeNetwork } from '../harness/network.ts';
import { startNodeProcess, stopProcesses } from '../harness/process.ts';

const root = tempDir('carechain-node-start-');
after(() => root.remove());

function squat(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
const unsquat = (server: Server) => new Promise((resolve) => server.close(resolve));

/** Starting must end in an exit with status 1 naming the port in use, before the harness gives up on it. */
async function refusesToStart(dir: string): Promise<void> {
  await assert.rejects(startNodeProcess(dir), (err: Error) => {
    assert.match(err.message, /exited with 1/, 'the process exits instead of living on');
    assert.match(err.message, /EADDRINUSE/);
    return true;
  });
}

test('a node whose API or P2P port is taken exits non-zero, and starts once the port is free', async () => {
  const net = await makeNetwork(root.path, ['solo'], 'carechain-node-start-test');
  const dir = net.dir('solo');
  const config = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8'));

  for (const port of [config.api.port, config.p2p.port]) {
    // When the API port is taken, consensus and P2P are already running as the API fails to listen.
    const squatter = await squat(port);
    try {
      await refusesToStart(dir);
    } finally {
      await unsquat(squatter);
    }
  }

  // What was started and stopped on the way left the node's data whole.
  const node = await startNodeProcess(dir);
  await stopProcesses([node], 'SIGTERM');
  // The exit can be seen before the last of the output is read from the pipe.
  const stopped = await waitFor(() => Promise.resolve(/solo: stopped/.test(node.output())), 10_000);
  assert.ok(stopped, node.output());
});
