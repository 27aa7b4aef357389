// Prior authorisation at a member's node (issue 17 §5, Da Vinci PAS). The provider's staff POST a PAS
// request Bundle to Claim/$submit: it is validated (official R4 schema, then the PAS shape), its payer is
// found (a member insurer the Claim or its Coverage names, else this node's default payer), and this node
// commits claims.paSubmit — the request id, payer, patient pseudonym, priority and a salted commitment to
// the Bundle, never its content — so the submission time is a block time. The answer is the PAS response
// Bundle as the chain has it: A4 (pended) until the payer's node commits claims.paDecide, which the
// payer's staff do through decide(). Claim/$inquire answers the same Bundle again, at any later time.
import type { Bundle } from 'fhir/r4.js';
import { organisation } from '../../app/membership/queries.ts';
import { custodialPseudonym } from '../../app/membership/pseudonym.ts';
import { paRequest, type PaRequestEntry, type ReviewAction } from '../../app/claims/index.ts';
import type { StateReader } from '../../app/state.ts';
import { concatBytes, toHex, utf8 } from '../../core/bytes.ts';
import { canonicalBytes } from '../../core/canonical.ts';
import { sha256 } from '../../core/crypto/index.ts';
import type { CarechainNode } from '../../node/node.ts';
import type { Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import type { FhirValidator } from '../fhir/validate.ts';
import { commitAsNode } from '../ledger-refusal.ts';
import { custodialCommitment } from '../records/custodial.ts';
import { claimsStaff, payerDecider } from './staff.ts';
import {
  namedPayers,
  parsePasRequest,
  pasResponse,
  pseudonymOf,
  memberIdOf,
  type PasRequest,
} from './pas.ts';

export const CLAIMS_COMMIT_TIMEOUT_MS_DEFAULT = 10_000;

export interface PriorAuthOptions {
  /** This endpoint's public FHIR base URL, for the ClaimResponse's fullUrl. */
  readonly baseUrl: string;
  /**
   * The member insurer that answers a request whose Claim and Coverage name no member organisation (a
   * PAS Bundle from a vendor's test kit names its own payer): issue 17 §7's default payer setting.
   */
  readonly defaultPayerOrgId?: string | undefined;
  readonly commitTimeoutMs?: number;
}

/**
 * The chain's id of a PAS request: a hash of the provider organisation and the Claim's trace number, so
 * that $inquire (and a resubmission) finds the request from the Bundle alone, and two providers' trace
 * numbers never collide.
 */
export function paRequestId(providerOrgId: string, trace: { system?: string; value?: string }): string {
  const named = { providerOrgId, system: trace.system ?? '', value: trace.value ?? '' };
  return toHex(sha256(concatBytes(utf8('carechain/v1/pa-request\n'), canonicalBytes(named))));
}

export class PriorAuthService {
  private readonly node: CarechainNode;
  private readonly validator: FhirValidator;
  private readonly options: PriorAuthOptions;

  constructor(node: CarechainNode, validator: FhirValidator, options: PriorAuthOptions) {
    this.node = node;
    this.validator = validator;
    this.options = options;
  }

  private get state(): StateReader {
    return this.node.ledger.state;
  }

  /** The PAS request in the body: valid R4 first (every issue reported), then the PAS shape. */
  private request(body: unknown): PasRequest {
    const result = this.validator.validateResource(body);
    if (!result.valid) throw FhirError.of(result.issues);
    return parsePasRequest(body);
  }

  private isMemberInsurer(orgId: string | undefined): orgId is string {
    return orgId !== undefined && organisation(this.state, orgId)?.type === 'insurer';
  }

  private payerOf(request: PasRequest): string {
    const named = namedPayers(request).find((id) => this.isMemberInsurer(id));
    if (named !== undefined) return named;
    if (this.isMemberInsurer(this.options.defaultPayerOrgId)) return this.options.defaultPayerOrgId;
    throw new ServiceError(
      'claims.no_payer',
      'the Claim and its Coverage name no member insurer, and this node has no default payer',
    );
  }

  /**
   * The patient's pseudonym: the one the Patient entry names, else one derived from the member id under
   * this node's secret (as custodial identities are), so the same member always maps to the same
   * pseudonym here and nobody without the node's seed can link it to the member id.
   */
  private patientPseudonymOf(request: PasRequest, providerOrgId: string): string {
    const named = pseudonymOf(request);
    if (named !== undefined && /^[0-9a-f]{64}$/.test(named)) return named;
    const commitment = custodialCommitment(this.node.key, `pas-member\n${memberIdOf(request)}`);
    return custodialPseudonym(providerOrgId, commitment);
  }

  /** A salted commitment to the Bundle as sent; the salt is derived from the node's seed and the id. */
  private commitment(requestId: string, body: unknown): string {
    const salt = custodialCommitment(this.node.key, `pas-request\n${requestId}`);
    return toHex(sha256(concatBytes(utf8(salt), utf8(JSON.stringify(body)))));
  }

  /** Claim/$submit: commits the request (once) and answers its PAS response Bundle. */
  async submit(who: Caller, body: unknown): Promise<Bundle> {
    const providerOrgId = claimsStaff(this.node, who, 'Claim', 'c');
    const request = this.request(body);
    const requestId = paRequestId(providerOrgId, request.traceNumber);
    // A resubmission of the same trace number is answered with the request as it stands (idempotent).
    const known = paRequest(this.state, requestId);
    if (known !== undefined) return pasResponse(request, known, this.options.baseUrl);
    await commitAsNode(this.node, {
      type: 'claims.paSubmit',
      domain: 'claims',
      commitTimeoutMs: this.options.commitTimeoutMs ?? CLAIMS_COMMIT_TIMEOUT_MS_DEFAULT,
      payload: {
        requestId,
        payerOrgId: this.payerOf(request),
        patientPseudonym: this.patientPseudonymOf(request, providerOrgId),
        commitment: this.commitment(requestId, body),
        priority: request.priority,
      },
    });
    return pasResponse(request, this.committed(requestId), this.options.baseUrl);
  }

  /** Claim/$inquire: the request's PAS response Bundle as the chain has it now. */
  inquire(who: Caller, body: unknown): Bundle {
    const providerOrgId = claimsStaff(this.node, who, 'Claim', 'r');
    const request = this.request(body);
    const entry = paRequest(this.state, paRequestId(providerOrgId, request.traceNumber));
    if (entry === undefined) {
      throw FhirError.notFound(
        'this organisation submitted no prior-authorisation request with this trace number',
      );
    }
    return pasResponse(request, entry, this.options.baseUrl);
  }

  /**
   * The payer's answer, by its staff at its own node: A4 pends once more, any other action decides. The
   * chain refuses a request sent to another payer and one already decided.
   */
  async decide(
    who: Caller,
    requestId: string,
    action: ReviewAction,
    authNumber: string | null,
  ): Promise<{ txHash: string; height: number }> {
    payerDecider(this.node, who);
    return commitAsNode(this.node, {
      type: 'claims.paDecide',
      domain: 'claims',
      commitTimeoutMs: this.options.commitTimeoutMs ?? CLAIMS_COMMIT_TIMEOUT_MS_DEFAULT,
      payload: { requestId, action, authNumber },
    });
  }

  private committed(requestId: string): PaRequestEntry {
    const entry = paRequest(this.state, requestId);
    if (entry === undefined)
      throw new ServiceError('claims.request_not_found', 'the request is not on chain');
    return entry;
  }
}
