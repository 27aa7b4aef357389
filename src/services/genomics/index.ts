// The genomics services of one custodian node, wired once: its ledger access, genome store, custody,
// the patient's own genome actions and the beacon.
import type { CarechainNode } from '../../node/node.ts';
import { systemClock, systemRandomBytes, type Clock } from '../../node/env.ts';
import { GenomeStore } from '../../node/genomics/genome-store.ts';
import { Beacon, type BeaconOptions } from './beacon.ts';
import { GenomeCustody } from './custody.ts';
import { BEACON_LOOK_METHOD, LookServer } from './fan-out.ts';
import { GenomicsLedger } from './ledger.ts';
import type { PassportTrust } from './passport.ts';
import { PatientGenomes } from './patient-genomes.ts';

export interface GenomicsServices {
  readonly store: GenomeStore;
  readonly custody: GenomeCustody;
  readonly patients: PatientGenomes;
  readonly beacon: Beacon;
}

export interface GenomicsServiceOptions extends BeaconOptions {
  readonly commitTimeoutMs?: number;
  /** The Passport brokers and visa issuers this node trusts; absent, Passports are refused. */
  readonly passportTrust?: PassportTrust;
  readonly clock?: Clock;
}

export function genomicsServices(
  node: CarechainNode,
  options: GenomicsServiceOptions = {},
): GenomicsServices {
  const clock = options.clock ?? systemClock;
  const ledger = new GenomicsLedger(node, options.commitTimeoutMs);
  const store = GenomeStore.open(node.storage);
  const custody = new GenomeCustody({ ledger, store, clock, randomBytes: systemRandomBytes });
  const beacon = new Beacon(options, { ledger, store, custody, clock, randomBytes: systemRandomBytes });
  // Other custodians' beacons ask this one to look at its genomes for a query they have paid for.
  const looks = new LookServer(node, beacon, clock);
  node.network?.handleRequests(BEACON_LOOK_METHOD, (from, params) => looks.serve(from, params));
  const patients = new PatientGenomes({ ledger, store, custody, clock });
  return { store, custody, patients, beacon };
}
