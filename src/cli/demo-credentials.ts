// Demo identities for `carechain up`: a practitioner per organisation and demo patients, registered
// through the public API like any client would, with ready bearer tokens written to credentials.json so a
// new user (or a script) can call the FHIR API straight away, and their seeds so the web app can import
// their keys. Demo only: the file holds practitioner and patient seeds.
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PATIENT_SCOPES_DEFAULT } from '../api/auth/patient-login.ts';
import { PRACTITIONER_SCOPES_DEFAULT } from '../api/auth/practitioner-login.ts';
import { scopesOf } from '../services/auth/scopes.ts';
import { TokenIssuer, type IssuedToken, type TokenRequest } from '../api/auth/tokens.ts';
import { patientPseudonym } from '../app/membership/index.ts';
import type { OrganisationType, PractitionerRole } from '../app/membership/types.ts';
import { toHex } from '../core/bytes.ts';
import { signDelegation } from '../contract/delegation.ts';
import { systemClock } from '../node/env.ts';
import { ADMIN_KEY_FILE, CONFIG_FILE, type HostPort, type NodeConfigFile } from '../node/config.ts';
import { generateKeyPair, readKeyFile, type KeyPair } from '../node/keys.ts';
import { apiBaseUrl, fhirBaseUrl } from './commands/node.ts';
import { loadDemoGenomes } from './demo-genomes.ts';
import { importSynthea, syntheaDir } from './demo-records.ts';
import { loadDemoSupply, type DemoSupply } from './demo-supply.ts';
import { demoTrialStudy, loadDemoTrial, type DemoTrial } from './demo-trials.ts';
import { submitAndCommit } from './submit-tx.ts';
import { DEMO_HL7_ORG, demoHl7Key } from './demo-hl7.ts';
import { sendDemoHl7Messages } from './demo-hl7-messages.ts';

/** One organisation of the demo consortium; its name is also its org id, type and folder. */
export interface DemoOrganisation {
  readonly name: OrganisationType;
  /** Voting power; 0 makes a non-voting member that follows the chain (src/node/config.ts). */
  readonly power: number;
  /** The role of the demo practitioner (staff member) the organisation registers. */
  readonly role: PractitionerRole;
}

/**
 * The demo consortium of `carechain up`, in port order: four validators with equal power, and four
 * members that follow the chain without voting: two of the supply chain (their staff are `admin`s because
 * PRACTITIONER_ROLES has no supply-chain role yet), a research sponsor and a regulator (issue 16).
 */
export const CONSORTIUM: readonly DemoOrganisation[] = [
  { name: 'hospital', power: 10, role: 'physician' },
  { name: 'clinic', power: 10, role: 'physician' },
  { name: 'pharmacy', power: 10, role: 'pharmacist' },
  { name: 'insurer', power: 10, role: 'claims-officer' },
  { name: 'manufacturer', power: 0, role: 'admin' },
  { name: 'distributor', power: 0, role: 'admin' },
  { name: 'research-sponsor', power: 0, role: 'researcher' },
  { name: 'regulator', power: 0, role: 'admin' },
];
/** The demo identities and their ready bearer tokens, in the data directory (mode 0600). */
export const CREDENTIALS_FILE = 'credentials.json';
const DEMO_PATIENTS = 2;
/** Synthea patients who also get a demo genome (demo-genomes.ts), besides the second demo patient. */
const DEMO_GENOME_SYNTHEA_PATIENTS = 2;
const DEMO_CUSTODIAN = 'hospital';
/**
 * Demo access tokens last the hour every access token may (issue 10, finding 10); each identity also
 * gets a refresh token good for 30 days, traded at /auth/token (grant_type refresh_token) for a fresh
 * access token, so the demo stays usable without its seeds.
 */
const DEMO_REFRESH_TTL_MS = 30 * 24 * 60 * 60 * 1000;

interface NodeDirInfo {
  readonly orgId: string;
  readonly dir: string;
  readonly api: HostPort;
}

function nodeDirInfo(dir: string): NodeDirInfo {
  const config = JSON.parse(readFileSync(join(dir, CONFIG_FILE), 'utf8')) as NodeConfigFile;
  return { orgId: config.name, dir, api: config.api };
}

/** Signs tokens as the node of `info` would: its key, its API URL as iss, its FHIR base URL as aud. */
function issuerFor(info: NodeDirInfo): Promise<TokenIssuer> {
  return TokenIssuer.create(
    {
      issuer: apiBaseUrl(info.api),
      audience: fhirBaseUrl(info.api),
      seed: readKeyFile(join(info.dir, 'node-key.json')).seed,
    },
    { clock: systemClock, randomBytes: (n) => new Uint8Array(randomBytes(n)) },
  );
}

/** An hour's access token and a 30-day refresh token of one session for a demo identity. */
async function demoTokens(
  issuer: TokenIssuer,
  request: TokenRequest,
): Promise<{ issued: IssuedToken; refreshToken: string }> {
  const refresh = await issuer.issueRefresh({ ...request, ttlMs: DEMO_REFRESH_TTL_MS });
  const issued = await issuer.issue({ ...request, sessionId: refresh.claims.sid! });
  return { issued, refreshToken: refresh.accessToken };
}

/**
 * Registers a demo practitioner at each organisation (signed by its admin key) and demo patients in
 * the hospital's care (signed by their own new keys), imports the Synthea patients' records at the
 * hospital (demo-records.ts), sends the demo lab's HL7 v2 messages to the hospital's MLLP listener
 * (demo-hl7-messages.ts) and puts product lots into circulation (demo-supply.ts), all through the public
 * APIs; then writes the identities (the HL7 interface's too, as `integration`) and ready bearer tokens,
 * signed with each node's own key, to credentialsPath.
 */
export async function writeDemoCredentials(
  dirs: readonly string[],
  credentialsPath: string,
  progress: (line: string) => void = () => {},
): Promise<void> {
  const infos = dirs.map(nodeDirInfo);
  const { chainId } = JSON.parse(readFileSync(join(dirs[0]!, 'genesis.json'), 'utf8')) as { chainId: string };
  const organisations: Record<string, unknown> = {};
  const practitioners = infos.map((info) => ({
    info,
    key: generateKeyPair(),
    role: CONSORTIUM.find((org) => org.name === info.orgId)?.role ?? 'admin',
  }));
  const patients = Array.from({ length: DEMO_PATIENTS }, () => generateKeyPair());
  const custodian = infos.find((i) => i.orgId === DEMO_CUSTODIAN)!;
  await Promise.all([
    ...practitioners.map(({ info, key, role }) =>
      submitAndCommit(
        apiBaseUrl(info.api),
        chainId,
        readKeyFile(join(info.dir, ADMIN_KEY_FILE)),
        'membership.registerPractitioner',
        { orgId: info.orgId, practitionerKey: key.publicKey, role },
      ),
    ),
    ...patients.map((key) =>
      submitAndCommit(apiBaseUrl(custodian.api), chainId, key, 'membership.registerPatient', {
        custodianOrgId: DEMO_CUSTODIAN,
      }),
    ),
  ]);
  // The hospital's HL7 interface writes as a lab technician of the hospital (demo-hl7.ts); its admin
  // signed a registration above, so this one goes after it, with the next nonce.
  const hl7Site = infos.find((i) => i.orgId === DEMO_HL7_ORG);
  const hl7Key = hl7Site === undefined ? undefined : demoHl7Key(hl7Site.dir);
  if (hl7Site !== undefined && hl7Key !== undefined) {
    await submitAndCommit(
      apiBaseUrl(hl7Site.api),
      chainId,
      readKeyFile(join(hl7Site.dir, ADMIN_KEY_FILE)),
      'membership.registerPractitioner',
      { orgId: hl7Site.orgId, practitionerKey: hl7Key.publicKey, role: 'lab-technician' },
    );
  }
  for (const { info, key, role } of practitioners) {
    const issuer = await issuerFor(info);
    // As a sign-in with the key would: the practitioner's own delegation to their node lets the token
    // read at other organisations' nodes (finding 8) for its hour; refreshed tokens keep it till then.
    const target = { nodeKey: issuer.publicKey, orgId: info.orgId };
    const delegation = signDelegation(key.seed, chainId, target, { nowMs: systemClock.nowMs() });
    const { issued, refreshToken } = await demoTokens(issuer, {
      subject: key.publicKey,
      kind: 'practitioner',
      orgId: info.orgId,
      scopes: scopesOf(PRACTITIONER_SCOPES_DEFAULT),
      delegation,
    });
    organisations[info.orgId] = {
      apiBaseUrl: apiBaseUrl(info.api),
      fhirBaseUrl: fhirBaseUrl(info.api),
      practitioner: {
        publicKey: key.publicKey,
        seed: toHex(key.seed),
        role,
        token: issued.accessToken,
        expiresAt: new Date(issued.claims.exp * 1000).toISOString(),
        refreshToken,
      },
    };
  }
  const hospitalIssuer = await issuerFor(custodian);
  // What issuePatientToken would sign for a key once the chain says it is the patient's.
  const patientEntry = async (name: string, key: KeyPair) => {
    const pseudonym = patientPseudonym(key.publicKey);
    const { issued, refreshToken } = await demoTokens(hospitalIssuer, {
      subject: key.publicKey,
      kind: 'patient',
      patient: pseudonym,
      scopes: scopesOf(PATIENT_SCOPES_DEFAULT),
    });
    return {
      name,
      custodianOrgId: DEMO_CUSTODIAN,
      fhirBaseUrl: fhirBaseUrl(custodian.api),
      publicKey: key.publicKey,
      seed: toHex(key.seed),
      pseudonym,
      token: issued.accessToken,
      expiresAt: new Date(issued.claims.exp * 1000).toISOString(),
      refreshToken,
    };
  };
  const demoPatients = [];
  for (const [i, key] of patients.entries())
    demoPatients.push(await patientEntry(`demo-patient-${i + 1}`, key));

  const staffOf = (orgId: string) => {
    const org = organisations[orgId] as { apiBaseUrl: string; practitioner: { token: string } } | undefined;
    return org === undefined ? undefined : { apiUrl: org.apiBaseUrl, token: org.practitioner.token };
  };
  const syntheaPatients = [];
  const syntheaKeys: KeyPair[] = [];
  const synthea = syntheaDir();
  const doctor = staffOf(DEMO_CUSTODIAN);
  if (synthea !== undefined && doctor !== undefined) {
    progress(`Importing the Synthea patients at the ${DEMO_CUSTODIAN} (FHIR transaction Bundles)…`);
    const imported = await importSynthea({
      dir: synthea,
      fhirBaseUrl: fhirBaseUrl(custodian.api),
      practitionerToken: doctor.token,
      registerPatient: (key) =>
        submitAndCommit(apiBaseUrl(custodian.api), chainId, key, 'membership.registerPatient', {
          custodianOrgId: DEMO_CUSTODIAN,
        }),
      progress,
    });
    for (const [i, patient] of imported.entries()) {
      syntheaKeys.push(patient.key);
      syntheaPatients.push({
        ...(await patientEntry(`synthea-patient-${i + 1}`, patient.key)),
        patientId: patient.patientId,
      });
    }
  } else {
    progress('Synthea test data not found (set CARECHAIN_SYNTHEA_DIR): no demo health records imported');
  }
  if (doctor !== undefined) {
    // Not the first demo patient: their "My genome" starts empty, for a first upload by hand.
    const genomePatients = [patients[1]!, ...syntheaKeys.slice(0, DEMO_GENOME_SYNTHEA_PATIENTS)];
    await loadDemoGenomes({ custodian: doctor, chainId, patients: genomePatients, progress });
  }
  // The demo lab's HL7 v2 traffic, and the interface's identity for the integration staff's page.
  let integration: Record<string, unknown> | undefined;
  if (hl7Site !== undefined && hl7Key !== undefined) {
    const { hl7 } = JSON.parse(readFileSync(join(hl7Site.dir, CONFIG_FILE), 'utf8')) as NodeConfigFile;
    if (hl7 !== undefined) await sendDemoHl7Messages(hl7.port, progress);
    const { issued, refreshToken } = await demoTokens(await issuerFor(hl7Site), {
      subject: hl7Key.publicKey,
      kind: 'practitioner',
      orgId: hl7Site.orgId,
      scopes: scopesOf(PRACTITIONER_SCOPES_DEFAULT),
    });
    integration = {
      orgId: hl7Site.orgId,
      apiBaseUrl: apiBaseUrl(hl7Site.api),
      publicKey: hl7Key.publicKey,
      seed: toHex(hl7Key.seed),
      role: 'lab-technician',
      token: issued.accessToken,
      expiresAt: new Date(issued.claims.exp * 1000).toISOString(),
      refreshToken,
    };
  }
  const manufacturer = staffOf('manufacturer');
  const distributor = staffOf('distributor');
  const pharmacy = staffOf('pharmacy');
  let supply: DemoSupply | undefined;
  if (manufacturer && distributor && pharmacy) {
    progress('Putting demo product lots into circulation (EPCIS 2.0 captures)…');
    supply = await loadDemoSupply({ manufacturer, distributor, pharmacy, progress });
  }
  const sponsor = staffOf('research-sponsor');
  const studyFile = demoTrialStudy();
  let trial: DemoTrial | undefined;
  if (sponsor !== undefined && studyFile !== undefined) {
    const site = { apiUrl: apiBaseUrl(custodian.api), orgId: DEMO_CUSTODIAN };
    trial = await loadDemoTrial({ studyFile, sponsor, site, patients, progress });
  } else if (sponsor !== undefined) {
    progress('Trial test data not found (set CARECHAIN_TRIAL_STUDY): no demo trial registered');
  }
  const credentials = {
    note: 'Demo identities of a local consortium: the seeds and tokens are secrets of a demo, not for real data.',
    chainId,
    organisations,
    patients: demoPatients,
    syntheaPatients,
    ...(integration === undefined ? {} : { integration }),
    ...(supply === undefined ? {} : { supply }),
    ...(trial === undefined ? {} : { trial }),
  };
  // Written whole and then renamed, so a reader never sees half a file.
  const partial = `${credentialsPath}.partial`;
  rmSync(partial, { force: true });
  writeFileSync(partial, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  renameSync(partial, credentialsPath);
}
