// `npm run bench:hl7` (node --import tsx bench/hl7.bench.ts): ORU^R01 lab results
// over MLLP into one custodian (a real `carechain node` process, SQLite, one validator). Closed loop:
// each client sends its next message when the last one's ACK arrives, and AA is sent only once the
// message's records (a DiagnosticReport, its Observations, its order's ServiceRequest and the message's
// MessageHeader and Provenance, each sealed in the vault) are committed.
// Prints messages/s to AA with p50/p99 latency, then one JSON line. Issue 21's target: ≥ 500 ORU/s.
import { cpus } from 'node:os';
import { ackCodes } from '../test/harness/mllp.ts';
import { startHl7Node } from '../test/harness/hl7-node.ts';
import { stopProcesses } from '../test/harness/process.ts';
import { cpuMicrosOf } from './lib/cpu.ts';
import { closedLoop, loadOptions, numberOption } from './lib/load.ts';
import { openMllpSession, type MllpSession } from './lib/mllp-session.ts';

const { concurrency, durationMs, warmupMs } = loadOptions({ concurrency: 64, seconds: 15, warmup: 3 });
const observations = numberOption('observations', 3);
const FACILITY = 'BENCH LAB';

/** Message i of client c: its own patient (per-patient order never makes clients wait on each other). */
function oru(c: number, i: number): string {
  const obx = Array.from(
    { length: observations },
    (_, k) =>
      `OBX|${k + 1}|NM|718-7^Hemoglobin^LN||${(12 + ((i + k) % 40) / 10).toFixed(1)}|g/dL^^UCUM|12.0-15.5|N|||F`,
  );
  return [
    `MSH|^~\\&|LIS|${FACILITY}|CARECHAIN|HOSPITAL|20261207120000+0000||ORU^R01^ORU_R01|B-${c}-${i}-${Date.now()}|P|2.5.1`,
    `PID|1||BENCH-${c}^^^BENCH&1.2.3.4&ISO^MR||Patient^Bench${c}||19700101|F`,
    `OBR|1|ORD-${c}-${i}|FIL-${c}-${i}|58410-2^CBC panel^LN|||20261207100000+0000||||||||||||||||||F`,
    ...obx,
  ].join('\r');
}

console.log(`carechain HL7 bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}`);
console.log(
  `1 custodian, ${concurrency} MLLP clients (one patient each), ORU^R01 with ${observations} OBX, ${durationMs / 1000} s after ${warmupMs / 1000} s warm-up\n`,
);
const hospital = await startHl7Node('carechain-bench-hl7-', [FACILITY]);
try {
  // Each client's patient is pre-registered by its first message, outside the measured window.
  // Each client keeps one connection, as an interface engine does.
  const sessions: MllpSession[] = await Promise.all(
    Array.from({ length: concurrency }, () => openMllpSession(hospital.hl7Port)),
  );
  await Promise.all(
    sessions.map(async (session, c) => {
      const ack = await session.exchange(oru(c, -1));
      if (ackCodes(ack).msa !== 'AA') throw new Error(`set-up message refused: ${ack}`);
    }),
  );
  // The node's CPU time per message (warm-up included) carries between runs on a shared machine, where
  // messages/s moves with whatever else runs.
  const cpuBeforeMicros = cpuMicrosOf(hospital.node.child.pid);
  let answered = 0;
  const result = await closedLoop(concurrency, warmupMs, durationMs, async (c, i) => {
    const ack = await sessions[c]!.exchange(oru(c, i));
    answered += 1;
    return ackCodes(ack).msa === 'AA';
  });
  const cpuMsPerMessage = (cpuMicrosOf(hospital.node.child.pid) - cpuBeforeMicros) / 1000 / answered;
  console.log(
    `ORU^R01 to AA ${result.perSecond.toFixed(0).padStart(6)} /s   p50 ${result.p50Ms.toFixed(0)} ms   p99 ${result.p99Ms.toFixed(0)} ms   (${result.completed} ok, ${result.failed} failed)`,
  );
  console.log(`node CPU per message ${cpuMsPerMessage.toFixed(2)} ms`);
  console.log(
    JSON.stringify({
      bench: 'hl7',
      node: process.version,
      validators: 1,
      concurrency,
      observations,
      seconds: durationMs / 1000,
      oruPerSec: Math.round(result.perSecond),
      p50Ms: Math.round(result.p50Ms),
      p99Ms: Math.round(result.p99Ms),
      failed: result.failed,
      nodeCpuMsPerMessage: Number(cpuMsPerMessage.toFixed(2)),
    }),
  );
  for (const session of sessions) session.close();
  // A clean stop, so a node run with CARECHAIN_NODE_FLAGS="--cpu-prof …" writes its profile.
  await stopProcesses([hospital.node], 'SIGTERM');
} finally {
  await hospital.stop();
}
