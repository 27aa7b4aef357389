// Validator churn under faults (issue 15 "Done when": the simulator's churn scenarios run in npm test,
// at least 200 seeds): seeds 0-99 here, 100-199 in churn-2.test.ts, so the two files share the test
// runner's two workers. Each seed votes 2 or 3 changes to the validator set (a member voted in, a
// validator voted out, a power change, a key rotation) through the real governance txs while links lose
// and partition and nodes crash, and the old set attacks the heights it no longer signs; safety,
// liveness and the churn check (churn.ts) hold on every seed. churn-checks.test.ts shows each new check
// failing. `npm run sim -- --churn --seeds K` is the long soak.
import { testChurnSeeds } from './seeds.ts';

testChurnSeeds(0, 100);
