// Seeds 300-599 of the simulation (see sim.test.ts).
import { testSeeds } from './seeds.ts';

testSeeds(300, 300);
