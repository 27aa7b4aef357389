// Patient/$everything (FHIR R4 patient-operation-everything) across custodians (issue 13): a patient's
// records are kept by every organisation that cared for them, under one pseudonym. The node asked finds
// on chain which organisations hold unerased records of the patient (the patient's record index), takes
// its own share, and asks each other custodian for theirs over the node-to-node channel (forwarding.ts).
// Each custodian decides by its own consent check and logs its own access event: the requesting node
// never decides for another custodian, and shows it the caller's own signed delegation (a
// practitioner's, finding 8, or the patient's, given at sign-in) instead of its word.
//
// At one custodian, a practitioner's share is decided per resource type (a patient may consent to some
// types and not others): the types are grouped by the chain's decision, a denied group is logged as one
// denial naming only its types (decide before you look, finding 2) and left out of the answer, and a
// granted group is released under events naming every version. A patient's own share is theirs.
import { authorize } from '../auth/caller.ts';
import { FhirError, issue } from '../fhir/operation-outcome.ts';
import { accessEvent, logAccess, release, type Practitioner } from './access-log.ts';
import { clientAssignedRecordId, purposeOf, type GatewayCaller, type Resource } from './resources.ts';
import type { SearchPort } from './search-port.ts';
import type { PurposeOfUse } from '../../app/consent/types.ts';
import { organisationIds } from '../../app/membership/queries.ts';
import {
  decideAccess,
  RECORDS_PAGE_MAX,
  recordHead,
  recordsOfPatient,
  type RecordHead,
} from '../../app/records/index.ts';
import type { StateReader } from '../../app/state.ts';
import { compareStrings } from '../../app/payload.ts';
import { isHex } from '../../core/bytes.ts';

/**
 * Records of one patient one custodian releases in one $everything (STYLE §5): its answer must fit one
 * node-to-node message (16 MiB) at a few KiB a record. Beyond it, Bulk Data $export is the tool.
 */
export const EVERYTHING_RECORDS_MAX = 2_000;
/** Versions one access event lists here: well inside what one records.access tx may carry. */
const VERSIONS_PER_EVENT = 500;

/** The patient a Patient id names, at whichever custodian holds it (server- or client-assigned id). */
export function patientNamed(state: StateReader, id: string): RecordHead | undefined {
  const isPatient = (head: RecordHead | undefined) => head?.resourceType === 'Patient';
  const byRecordId = isHex(id, 32) ? recordHead(state, id) : undefined;
  if (isPatient(byRecordId)) return byRecordId;
  for (const orgId of organisationIds(state)) {
    const head = recordHead(state, clientAssignedRecordId(orgId, 'Patient', id));
    if (isPatient(head)) return head;
  }
  return undefined;
}

/** The patient's unerased records on chain, in index order, failing when there are too many here. */
function unerasedRecordsOf(state: StateReader, pseudonym: string): RecordHead[] {
  const out: RecordHead[] = [];
  for (let offset = 0; ; offset += RECORDS_PAGE_MAX) {
    const page = recordsOfPatient(state, pseudonym, { offset, limit: RECORDS_PAGE_MAX });
    out.push(...page.items.filter((head) => head.erasedAtHeight === null));
    if (offset + RECORDS_PAGE_MAX >= page.total) return out;
  }
}

/** The organisations that hold unerased records of the patient, sorted. */
export function custodiansOf(state: StateReader, pseudonym: string): string[] {
  const orgs = new Set(unerasedRecordsOf(state, pseudonym).map((head) => head.custodianOrgId));
  return [...orgs].sort(compareStrings);
}

/** What this custodian releases of the patient's records to the caller, logged as it is released. */
export async function everythingHeldHere(
  port: SearchPort,
  caller: Exclude<GatewayCaller, { kind: 'node' }>,
  pseudonym: string,
  purpose: string,
): Promise<Resource[]> {
  authorize(caller, 'Patient', 'r');
  const checkedPurpose = purposeOf(purpose);
  if (caller.kind !== 'practitioner' && caller.pseudonym !== pseudonym) throw FhirError.forbidden();
  const here = port.custodianOrgId();
  const held = unerasedRecordsOf(port.node.ledger.state, pseudonym).filter((h) => h.custodianOrgId === here);
  if (held.length > EVERYTHING_RECORDS_MAX) {
    throw FhirError.of([issue('too-costly', 'this patient has too many records here: use $export')]);
  }
  if (caller.kind !== 'practitioner') return held.map((head) => port.open(head));
  // A type the caller's scopes do not allow is simply not part of their answer.
  const allowed = held.filter((head) => allows(caller, head.resourceType));
  const released: RecordHead[] = [];
  let refusal: string | undefined;
  for (const [decision, types] of decisionsByType(port, caller, pseudonym, allowed, checkedPurpose)) {
    const heads = allowed.filter((head) => types.includes(head.resourceType));
    if (decision.startsWith('denied')) {
      const logged = { resourceTypes: types, denialNamesTypesOnly: true } as const;
      refusal = (await logAccess(port, caller, pseudonym, [], checkedPurpose, logged)).reasonCode;
      continue;
    }
    const chunks: RecordHead[][] = [];
    for (let i = 0; i < heads.length; i += VERSIONS_PER_EVENT)
      chunks.push(heads.slice(i, i + VERSIONS_PER_EVENT));
    await Promise.all(
      chunks.map((chunk) =>
        release(
          port,
          caller,
          pseudonym,
          chunk.map((head) => ({ head, version: head.latestVersion })),
          checkedPurpose,
          { denialNamesTypesOnly: true },
        ),
      ),
    );
    released.push(...heads);
  }
  // Refused outright, the share is an error the asker reports as missing; refused in part (some types
  // consented, others not), the share is what consent allows.
  if (released.length === 0 && refusal !== undefined) {
    throw FhirError.forbidden(`access denied (${refusal})`);
  }
  return held.filter((head) => released.includes(head)).map((head) => port.open(head));
}

function allows(caller: Practitioner, type: string): boolean {
  try {
    authorize(caller, type, 'r');
    return true;
  } catch {
    return false;
  }
}

/**
 * The held types grouped by the decision the chain would make for each at the next block ("outcome
 * reasonCode"): one records.access event must be one decision (decide.ts), so each group is logged on
 * its own.
 */
function decisionsByType(
  port: SearchPort,
  caller: Practitioner,
  pseudonym: string,
  heads: readonly RecordHead[],
  purpose: PurposeOfUse,
): Map<string, string[]> {
  const tip = port.node.ledger.tip();
  const groups = new Map<string, string[]>();
  for (const type of [...new Set(heads.map((head) => head.resourceType))].sort(compareStrings)) {
    const event = accessEvent(port.randomBytes, caller, pseudonym, [], purpose, [type]);
    const { outcome, reasonCode } = decideAccess(port.node.ledger.state, {
      event: { ...event, outcome: 'denied', reasonCode: 'consent.none', consentIds: [] },
      custodianOrgId: port.custodianOrgId(),
      resourceTypes: [type],
      anyErased: false,
      atHeight: tip.height + 1,
      atMs: tip.timeMs,
    });
    const key = `${outcome} ${reasonCode}`;
    groups.set(key, [...(groups.get(key) ?? []), type]);
  }
  return groups;
}

/** What $everything answers: the released resources, and a warning for each custodian not heard from. */
export interface EverythingResult {
  readonly resources: Resource[];
  readonly incomplete: readonly { readonly custodianOrgId: string; readonly status: number }[];
}

/** What the fan-out needs of the gateway: its own share, and the forwarded share of another custodian. */
export interface EverythingFanOut {
  readonly state: StateReader;
  readonly here: string;
  heldHere(pseudonym: string): Promise<Resource[]>;
  forwarded(custodianOrgId: string, pseudonym: string): Promise<Resource[]>;
}

/**
 * The caller's $everything for the patient a Patient id names (or, for a patient or proxy naming none,
 * their own): this node's share and every other custodian's, asked in parallel. A share refused (by
 * consent, or for want of the caller's signed delegation) or out of reach is reported, not fatal: the
 * others' records are still released under their own decisions.
 */
export async function everythingAcross(
  fanOut: EverythingFanOut,
  caller: Exclude<GatewayCaller, { kind: 'node' }>,
  patientId: string | undefined,
): Promise<EverythingResult> {
  let pseudonym: string;
  if (patientId === undefined) {
    if (caller.kind === 'practitioner') throw FhirError.invalid('name the Patient: Patient/{id}/$everything');
    pseudonym = caller.pseudonym;
  } else {
    const head = patientNamed(fanOut.state, patientId);
    if (head === undefined) throw FhirError.notFound(`Patient/${patientId.slice(0, 64)} is not known`);
    if (head.erasedAtHeight !== null) throw FhirError.deleted('this record was erased');
    if (caller.kind !== 'practitioner' && caller.pseudonym !== head.patientPseudonym) {
      throw FhirError.forbidden();
    }
    pseudonym = head.patientPseudonym;
  }
  const custodians = custodiansOf(fanOut.state, pseudonym);
  const incomplete: { custodianOrgId: string; status: number }[] = [];
  const shares = await Promise.all(
    custodians.map(async (custodianOrgId) => {
      try {
        return custodianOrgId === fanOut.here
          ? await fanOut.heldHere(pseudonym)
          : await fanOut.forwarded(custodianOrgId, pseudonym);
      } catch (err) {
        if (!(err instanceof FhirError)) throw err;
        incomplete.push({ custodianOrgId, status: err.statusCode });
        return [];
      }
    }),
  );
  incomplete.sort((a, b) => compareStrings(a.custodianOrgId, b.custodianOrgId));
  return { resources: shares.flat(), incomplete };
}
