// Seeds 0-299 of the simulation; sim-2.test.ts runs 300-599, so the two files share the test runner's
// two workers. `npm run sim -- --seeds 100000` is the long soak.
import { testSeeds } from './seeds.ts';

testSeeds(0, 300);
