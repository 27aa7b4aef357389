// Crash points the tests inject into a real `carechain node` process, named by an environment variable
// (like the crash test's block-write steps, test/harness/crash-writer.ts). Unset, nothing happens.
//   CARECHAIN_TEST_ERASURE_CRASH=shredded   SIGKILL after an erasure job shreds, before its receipt
//                                           (test/adversarial/finding-07-erasure.int.test.ts)
//   CARECHAIN_TEST_HL7_HOLD=inbox            accept enhanced-mode HL7 messages (CA) and process none, so
//                                           a test can kill the node between CA and application ACK
//                                           (test/e2e/hl7-enhanced.int.test.ts)
import type { ErasureJobStep } from '../services/records/erasure-jobs.ts';

export const ERASURE_CRASH_ENV = 'CARECHAIN_TEST_ERASURE_CRASH';

/** The records admin option that kills this process at the named erasure step, if one is named. */
export function erasureCrashHook(env: NodeJS.ProcessEnv = process.env): {
  onErasureStep?: (step: ErasureJobStep) => void;
} {
  const at = env[ERASURE_CRASH_ENV];
  if (at === undefined || at === '') return {};
  return {
    onErasureStep: (step) => {
      if (step === at) process.kill(process.pid, 'SIGKILL');
    },
  };
}

export const HL7_HOLD_ENV = 'CARECHAIN_TEST_HL7_HOLD';

/** Whether the HL7 ingest holds what its inbox accepts (the test hook above). */
export function hl7HoldHook(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[HL7_HOLD_ENV] === 'inbox';
}
