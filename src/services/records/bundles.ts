// Transaction and batch Bundles at the custodian (http.html#transaction). The pure planner
// (src/api/fhir/bundle.ts) checks the Bundle, names new resources and rewrites urn:uuid references; this
// file executes the plan through writes.ts. A transaction's records are registered in one tx, so it
// succeeds or fails whole; a batch runs each entry on its own and reports each outcome. Conditional
// creates and references are resolved against the custodian's directory (directory-lookup.ts).
import type { Bundle } from 'fhir/r4.js';
import { planBundle, transactionResponse, type EntryResult, type PlannedOperation } from '../fhir/bundle.ts';
import { FhirError, issue } from '../fhir/operation-outcome.ts';
import type { GatewayCaller, Resource } from './resources.ts';
import { writeResources, type WriteOperation, type WritePort, type WrittenResource } from './writes.ts';
import { REGISTRATIONS_PER_BATCH_MAX } from '../../app/records/types.ts';
import { directoryFinder } from './directory-lookup.ts';
import { invariant } from '../../core/errors.ts';

/** Answers a batch's GET as the same GET to the endpoint would be answered (the route supplies it). */
export type ReadEntry = (url: string) => Promise<EntryResult>;

export async function processBundle(
  port: WritePort,
  caller: GatewayCaller,
  input: unknown,
  newId: () => string,
  readEntry?: ReadEntry,
): Promise<Bundle> {
  const plan = planBundle(input, { newId, findExisting: directoryFinder(port, caller) });
  if (plan.type === 'transaction') {
    const writes = plan.operations.filter((op) => op.kind !== 'exists');
    if (writes.length > REGISTRATIONS_PER_BATCH_MAX) {
      throw new FhirError(413, [
        issue(
          'too-costly',
          `a transaction writes at most ${REGISTRATIONS_PER_BATCH_MAX} resources; split it`,
        ),
      ]);
    }
    const operations = writes.map(toWrite);
    // A Patient is written before the resources about it, whatever the entry order (references to it
    // resolve within the request).
    const order = operations
      .map((op, i) => ({ op, i }))
      .sort((a, b) => Number(b.op.resourceType === 'Patient') - Number(a.op.resourceType === 'Patient'));
    const written = await writeResources(
      port,
      caller,
      order.map((o) => o.op),
    );
    const results: EntryResult[] = [];
    order.forEach(({ i }, k) => {
      results[writes[i]!.entryIndex] = entryResult(written[k]!);
    });
    for (const op of plan.operations) {
      if (op.kind === 'exists') results[op.entryIndex] = existingResult(port, op);
    }
    return transactionResponse('transaction', results);
  }
  const results: EntryResult[] = [];
  for (const entry of plan.entries) {
    if (entry.operation === undefined) {
      results[entry.entryIndex] = { error: FhirError.of(entry.issues) };
      continue;
    }
    if (entry.operation.kind === 'exists') {
      results[entry.entryIndex] = existingResult(port, entry.operation);
      continue;
    }
    if (entry.operation.kind === 'read') {
      results[entry.entryIndex] =
        readEntry === undefined
          ? { error: FhirError.of([issue('not-supported', 'GET is not supported in this Bundle')]) }
          : await readEntry(entry.operation.url!);
      continue;
    }
    try {
      const [written] = await writeResources(port, caller, [toWrite(entry.operation)]);
      results[entry.entryIndex] = entryResult(written!);
    } catch (err) {
      if (!(err instanceof FhirError)) throw err;
      results[entry.entryIndex] = { error: err };
    }
  }
  return transactionResponse('batch', results);
}

/** http.html#ccreate: one match, so the entry answers 200 with the stored version, and nothing is written. */
function existingResult(port: WritePort, op: PlannedOperation): EntryResult {
  const entry = port.directory.get(op.resourceType, op.id);
  if (entry === undefined) throw new FhirError(409, [issue('conflict', 'the matched resource is gone')]);
  const meta = (JSON.parse(entry.json) as { meta?: { lastUpdated?: unknown } }).meta;
  return {
    status: 200,
    resourceType: op.resourceType,
    id: op.id,
    versionId: String(entry.version),
    ...(typeof meta?.lastUpdated === 'string' ? { lastModified: meta.lastUpdated } : {}),
  };
}

function toWrite(op: PlannedOperation): WriteOperation {
  invariant(
    op.kind !== 'exists' && op.kind !== 'read',
    'a matched conditional create or a read writes nothing',
  );
  if (op.kind === 'delete') {
    // Records are erased by the patient's erasure request (crypto-shredding), never by a FHIR delete.
    throw new FhirError(405, [
      issue('not-supported', 'delete is not supported; records are erased at the patient’s request'),
    ]);
  }
  return {
    kind: op.kind,
    resourceType: op.resourceType,
    id: op.id,
    resource: op.resource as Resource,
    ...(op.ifMatch === undefined ? {} : { ifMatch: op.ifMatch }),
  };
}

function entryResult(written: WrittenResource): EntryResult {
  return {
    status: written.kind === 'create' ? 201 : 200,
    resourceType: written.resource.resourceType,
    id: String(written.resource.id),
    versionId: written.versionId,
    lastModified: written.lastUpdated,
  };
}
