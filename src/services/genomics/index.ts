// The genomics services of one custodian node, wired once: its ledger access, genome store, custody,
// the patient's own genome actions and the beacon.
import type { CarechainNode } from '../../node/node.ts';
import { systemClock, systemRandomBytes, type Clock } from '../../node/env.ts';
import { GenomeStore } from '../../node/genomics/genome-store.ts';
import { Beacon, type BeaconOptions } from './beacon.ts';
import { GenomeCustody } from './custody.ts';
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
  const beacon = new Beacon(options, { ledger, store, custody, clock });
  const patients = new PatientGenomes({ ledger, store, custody, clock });
  return { store, custody, patients, beacon };
}
