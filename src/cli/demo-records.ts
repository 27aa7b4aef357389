// Demo health records for `carechain up`: the Synthea patients of ../shared/testdata/fhir/synthea,
// imported at the hospital through the public FHIR API as transaction Bundles, as any EHR client would
// (organisations and practitioners first, then each patient's whole record in one transaction). Each
// Synthea patient gets a key of their own, registered on chain, whose pseudonym the importer adds to the
// Patient resource: the on-chain identity is the pseudonym, the demographics stay in the vault.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { refusalOf } from '../contract/errors.ts';
import type { FhirBundle } from '../contract/fhir.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../services/records/gateway.ts';
import { patientPseudonym } from '../app/membership/index.ts';
import { generateKeyPair, type KeyPair } from '../node/keys.ts';
import { demoTestdata } from './demo-testdata.ts';

/** Where the Synthea bundles are looked for: $CARECHAIN_SYNTHEA_DIR, else the shared test data. */
export function syntheaDir(): string | undefined {
  return demoTestdata('CARECHAIN_SYNTHEA_DIR', 'fhir', 'synthea');
}

export interface ImportedPatient {
  readonly key: KeyPair;
  readonly pseudonym: string;
  /** The Patient resource's id at the hospital. */
  readonly patientId: string;
  /** Resources written for this patient (the Patient included). */
  readonly resources: number;
}

export interface SyntheaImportOptions {
  readonly dir: string;
  readonly fhirBaseUrl: string;
  /** A bearer token of a practitioner of the hospital (create scope). */
  readonly practitionerToken: string;
  /** Registers the patient's key on chain, in the hospital's care, and waits for the commit. */
  registerPatient(key: KeyPair): Promise<void>;
  /** Progress, one line at a time; never names or other PHI. */
  progress(line: string): void;
}

async function postTransaction(options: SyntheaImportOptions, bundle: FhirBundle): Promise<FhirBundle> {
  const response = await fetch(options.fhirBaseUrl, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${options.practitionerToken}`,
      'content-type': 'application/fhir+json',
    },
    body: JSON.stringify(bundle),
  });
  const body: unknown = await response.json();
  if (response.status !== 200) {
    throw new Error(
      `a Synthea transaction was refused (${response.status}): ${refusalOf(body)?.message ?? ''}`,
    );
  }
  return body as FhirBundle;
}

/** Imports every Synthea bundle of `dir` in load order; returns the patients with their new keys. */
export async function importSynthea(options: SyntheaImportOptions): Promise<ImportedPatient[]> {
  const files = readdirSync(options.dir).filter((f) => f.endsWith('.json'));
  const rank = (f: string): number => (f.startsWith('hospital') ? 0 : f.startsWith('practitioner') ? 1 : 2);
  files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const patientFiles = files.filter((f) => rank(f) === 2);
  const imported: ImportedPatient[] = [];
  for (const file of files) {
    const bundle = JSON.parse(readFileSync(join(options.dir, file), 'utf8')) as FhirBundle;
    const entries = bundle.entry ?? [];
    if (rank(file) < 2) {
      await postTransaction(options, bundle);
      options.progress(
        `  directory: ${entries.length} ${rank(file) === 0 ? 'organisations' : 'practitioners'}`,
      );
      continue;
    }
    const key = generateKeyPair();
    const pseudonym = patientPseudonym(key.publicKey);
    await options.registerPatient(key);
    const patient = entries.find((e) => e.resource?.resourceType === 'Patient')?.resource;
    if (patient === undefined) throw new Error(`${file} has no Patient`);
    const identifiers = Array.isArray(patient.identifier) ? (patient.identifier as unknown[]) : [];
    patient.identifier = [...identifiers, { system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym }];
    const response = await postTransaction(options, bundle);
    const location = (response.entry ?? [])
      .map((e) => e.response?.location)
      .find((l) => l?.startsWith('Patient/'));
    imported.push({ key, pseudonym, patientId: location!.split('/')[1]!, resources: entries.length });
    options.progress(`  patient ${imported.length}/${patientFiles.length}: ${entries.length} resources`);
  }
  return imported;
}
