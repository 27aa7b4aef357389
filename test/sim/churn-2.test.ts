// Churn seeds 100-199 (see churn.test.ts).
import { testChurnSeeds } from './seeds.ts';

testChurnSeeds(100, 100);
