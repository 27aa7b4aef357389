// records.register: the custodian commits a new record version after sealing it in its vault. Only the
// commitment, the resource type and the pseudonym are on chain; the resource stays in the vault.
// Every registration names the practitioner who wrote it: an active clinical practitioner of the
// custodian, about a patient in the custodian's care or who consented to the write (policy.ts
// refuseWrite). The custodian's node key signs for them, or the practitioner signs themselves. Versions go 1, 2, 3…, with no gaps or repeats, so a version
// number names exactly one commitment and a vread can be checked against the chain.
import { TxError, type TxErrorCode } from '../../core/tx.ts';
import { actorOf, patientRecord } from '../membership/queries.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { rejected, type PayloadObject } from '../payload.ts';
import { refuseWrite } from './policy.ts';
import {
  parseRegister,
  parseRegisterBatch,
  REGISTER_BATCH_FIELDS,
  REGISTER_FIELDS,
  type RegisterPayload,
} from './parse.ts';
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

/**
 * The signer speaks for the custodian: one of its node keys (its gateway, for the practitioner named),
 * or the practitioner named, signing their own registration.
 */
function requireCustodianSigner(ctx: TxContext, p: RegisterPayload): void {
  const signer = actorOf(ctx.state, ctx.signer);
  const custodianNode = signer.kind === 'node' && signer.orgId === p.custodianOrgId;
  if (!custodianNode && ctx.signer !== p.practitioner) {
    throw rejected('records.not_custodian', 'only the custodian’s node or the practitioner named may sign', {
      orgId: p.custodianOrgId,
    });
  }
}

/** Only the custodian's active clinical staff write, about their own patients or under write consent. */
function requireWriter(ctx: TxContext, p: RegisterPayload): void {
  requireCustodianSigner(ctx, p);
  const refusal = refuseWrite(ctx.state, { ...p, atHeight: ctx.height, atMs: ctx.timeMs });
  if (refusal !== undefined) throw rejected(refusal.reason, refusal.message, { orgId: p.custodianOrgId });
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

function applyRegister(ctx: TxContext, payload: PayloadObject): void {
  register(ctx, parseRegister(payload));
}

/**
 * A FHIR transaction Bundle's records in one tx: each registration as records.register would apply it,
 * in order (so a later one may continue a record an earlier one created); if any is refused, the tx
 * fails and the executor undoes the others.
 */
function applyRegisterBatch(ctx: TxContext, payload: PayloadObject): void {
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
  if (patientRecord(ctx.state, p.patientPseudonym) === undefined) {
    throw rejected('records.unknown_patient', 'no patient has this pseudonym');
  }
  const head = recordHead(ctx.state, p.recordId);
  if (head !== undefined) checkUpdate(head, p);
  requireWriter(ctx, p);
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
    practitioner: p.practitioner,
    height: ctx.height,
    timeMs: ctx.timeMs,
    txHash: ctx.txHash,
  };
  write(ctx.state, recordKey(p.recordId), next);
  write(ctx.state, versionKey(p.recordId, p.version), version);
}

export const registerHandlers: readonly TxHandler[] = [
  { type: 'records.register', fields: REGISTER_FIELDS, apply: applyRegister },
  { type: 'records.registerBatch', fields: REGISTER_BATCH_FIELDS, apply: applyRegisterBatch },
];
