// records.register: the custodian commits a new record version after sealing it in its vault. Only the
// commitment, the resource type and the pseudonym are on chain; the resource stays in the vault.
// The custodian is whoever signs: one of its node keys, or one of its active practitioners (a clinician's
// own client may commit what it wrote). Versions go 1, 2, 3…, with no gaps or repeats, so a version
// number names exactly one commitment and a vread can be checked against the chain.
import type { CanonicalValue } from '../../core/canonical.ts';
import { TxError, type TxErrorCode } from '../../core/tx.ts';
import { actorOf, patientRecord } from '../membership/queries.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { rejected } from '../payload.ts';
import { parseRegister, parseRegisterBatch, type RegisterPayload } from './parse.ts';
import {
  append,
  patientCountKey,
  patientIndexKey,
  recordHead,
  recordKey,
  versionKey,
  write,
} from './store.ts';
import type { RecordHead, RecordVersion } from './types.ts';

/** The organisation the signer may register records for: its node's or its active practitioner's. */
export function requireCustodianSigner(ctx: TxContext, custodianOrgId: string): void {
  const actor = actorOf(ctx.state, ctx.signer);
  if (actor.kind === 'practitioner' && actor.status !== 'active') {
    throw rejected('records.practitioner_suspended', 'a suspended practitioner may not register records');
  }
  const orgId = actor.kind === 'node' || actor.kind === 'practitioner' ? actor.orgId : undefined;
  if (orgId !== custodianOrgId) {
    throw rejected('records.not_custodian', 'only the custodian’s node or practitioners may register', {
      orgId: custodianOrgId,
    });
  }
}

/** An update must continue the record exactly: same custodian, patient and type, next version, not erased. */
function checkUpdate(head: RecordHead, p: RegisterPayload): void {
  if (head.erasedAtHeight !== null) {
    throw rejected('records.erased', 'this record was erased and cannot be registered again', {
      erasedAtHeight: head.erasedAtHeight,
    });
  }
  if (head.custodianOrgId !== p.custodianOrgId) {
    throw rejected('records.other_custodian', 'this record belongs to another custodian');
  }
  if (head.patientPseudonym !== p.patientPseudonym) {
    throw rejected('records.other_patient', 'this record belongs to another patient');
  }
  if (head.resourceType !== p.resourceType) {
    throw rejected('records.resource_type_changed', 'a record keeps its resource type across versions');
  }
}

function applyRegister(ctx: TxContext, payload: CanonicalValue): void {
  register(ctx, parseRegister(payload));
}

/**
 * A FHIR transaction Bundle's records in one tx: each registration as records.register would apply it,
 * in order (so a later one may continue a record an earlier one created); if any is refused, the tx
 * fails and the executor undoes the others.
 */
function applyRegisterBatch(ctx: TxContext, payload: CanonicalValue): void {
  const registrations = parseRegisterBatch(payload);
  registrations.forEach((registration, index) => {
    try {
      register(ctx, registration);
    } catch (err) {
      if (err instanceof TxError)
        throw new TxError(err.code as TxErrorCode, err.message, { ...err.details, index });
      throw err;
    }
  });
}

function register(ctx: TxContext, p: RegisterPayload): void {
  requireCustodianSigner(ctx, p.custodianOrgId);
  if (patientRecord(ctx.state, p.patientPseudonym) === undefined) {
    throw rejected('records.unknown_patient', 'no patient has this pseudonym');
  }
  const head = recordHead(ctx.state, p.recordId);
  if (head !== undefined) checkUpdate(head, p);
  const expected = (head?.latestVersion ?? 0) + 1;
  if (p.version !== expected) {
    throw rejected('records.version_order', 'the version must follow the latest one by exactly 1', {
      expected,
      actual: p.version,
    });
  }
  const patientIndex =
    head?.patientIndex ??
    append(
      ctx.state,
      patientCountKey(p.patientPseudonym),
      (n) => patientIndexKey(p.patientPseudonym, n),
      p.recordId,
    );
  const next: RecordHead = {
    recordId: p.recordId,
    resourceType: p.resourceType,
    patientPseudonym: p.patientPseudonym,
    custodianOrgId: p.custodianOrgId,
    latestVersion: p.version,
    patientIndex,
    createdAtHeight: head?.createdAtHeight ?? ctx.height,
    updatedAtHeight: ctx.height,
    updatedAtMs: ctx.timeMs,
    erasedAtHeight: null,
  };
  const version: RecordVersion = {
    version: p.version,
    commitment: p.commitment,
    registeredBy: ctx.signer,
    height: ctx.height,
    timeMs: ctx.timeMs,
    txHash: ctx.txHash,
  };
  write(ctx.state, recordKey(p.recordId), next);
  write(ctx.state, versionKey(p.recordId, p.version), version);
}

export const registerHandlers: readonly TxHandler[] = [
  { type: 'records.register', apply: applyRegister },
  { type: 'records.registerBatch', apply: applyRegisterBatch },
];
