// The one error catalogue: every error code carechain raises, the HTTP status the domain API answers it
// with, and what it means. Codes are stable and greppable (STYLE §3); a thrown error's own message says
// what happened this time, without PHI. The API's error translator (src/api/errors.ts) takes statuses
// from here only; src/core/errors/codes.test.ts checks that every code thrown in src/ is listed.
// Codes raised only inside the node (p2p, config, vault) keep 400, the status any CoreError got before
// this catalogue; StoreError and StorageError are not CoreErrors and answer 500 'internal'. A refused tx's
// reason (app rejected(), the supply lifecycle's refuse(): `tx.rejected` with details.reason) is listed at
// 422, the status of a refused tx, where a boundary names it.

export interface ErrorCodeEntry {
  readonly status: number;
  readonly message: string;
}

export const ERROR_CATALOGUE = {
  'auth.challenge_bad_signature': { status: 400, message: 'authentication: challenge bad signature' },
  'auth.challenge_busy': { status: 429, message: 'authentication: challenge busy' },
  'auth.challenge_expired': { status: 400, message: 'authentication: challenge expired' },
  'auth.challenge_invalid': { status: 400, message: 'authentication: challenge invalid' },
  'auth.challenge_replayed': { status: 400, message: 'authentication: challenge replayed' },
  'auth.challenge_unknown': { status: 400, message: 'authentication: challenge unknown' },
  'auth.challenge_wrong_audience': { status: 400, message: 'authentication: challenge wrong audience' },
  'auth.delegation_invalid': { status: 403, message: 'authentication: delegation invalid' },
  'auth.expired': { status: 401, message: 'authentication: expired' },
  'auth.insufficient_scope': { status: 403, message: 'authentication: insufficient scope' },
  'auth.invalid_request': { status: 400, message: 'authentication: invalid request' },
  'auth.invalid_token': { status: 401, message: 'authentication: invalid token' },
  'auth.issuer_not_org_node': { status: 403, message: 'authentication: issuer not org node' },
  'auth.missing': { status: 401, message: 'authentication: missing' },
  'auth.not_practitioner': { status: 403, message: 'authentication: not practitioner' },
  'auth.not_registered': { status: 403, message: 'authentication: not registered' },
  'auth.refresh_invalid': { status: 400, message: 'authentication: refresh invalid' },
  'auth.revoked': { status: 401, message: 'authentication: revoked' },
  'auth.scope_malformed': { status: 400, message: 'authentication: scope malformed' },
  'auth.scope_not_allowed': { status: 400, message: 'authentication: scope not allowed' },

  'block.bad_tx': { status: 400, message: 'block: bad tx' },
  'block.mismatch': { status: 400, message: 'block: mismatch' },
  'block.not_found': { status: 404, message: 'block: not found' },
  'block.too_large': { status: 400, message: 'block: too large' },

  'c2sp.invalid_signature': { status: 400, message: 'C2SP: a known key’s signature fails' },
  'c2sp.malformed': { status: 400, message: 'C2SP: malformed' },
  'c2sp.malformed_checkpoint': { status: 400, message: 'C2SP: malformed checkpoint' },
  'c2sp.malformed_note': { status: 400, message: 'C2SP: malformed signed note' },
  'c2sp.policy_invalid': { status: 400, message: 'C2SP: invalid witness policy' },
  'c2sp.proof_invalid': { status: 400, message: 'C2SP: invalid proof' },
  'c2sp.quorum_not_met': { status: 400, message: 'C2SP: quorum not met' },
  'c2sp.unverified': { status: 400, message: 'C2SP: no known key signed' },

  'checkpoint.invalid': { status: 400, message: 'checkpoint: invalid' },
  'checkpoint.none': { status: 404, message: 'checkpoint: none' },
  'checkpoint.not_found': { status: 404, message: 'checkpoint: not found' },

  'commit.invalid': { status: 400, message: 'commit: invalid' },
  'commit.no_quorum': { status: 400, message: 'commit: no quorum' },

  'config.exists': { status: 400, message: 'config: exists' },
  'config.insecure_api': { status: 400, message: 'config: insecure API' },
  'config.invalid': { status: 400, message: 'config: invalid' },
  'config.unreadable': { status: 400, message: 'config: unreadable' },

  'consensus.record_corrupt': { status: 400, message: 'consensus: record corrupt' },
  'consensus.schedule_invalid': { status: 400, message: 'consensus: schedule invalid' },

  'consent.already_revoked': { status: 422, message: 'consent: already revoked' },
  'consent.duplicate_id': { status: 422, message: 'consent: duplicate id' },
  'consent.duplicate_request': { status: 422, message: 'consent: duplicate request' },
  'consent.not_patient': { status: 422, message: 'consent: not patient' },
  'consent.not_practitioner': { status: 422, message: 'consent: not practitioner' },
  'consent.patient_only': { status: 403, message: 'consent: patient only' },
  'consent.practitioner_only': { status: 403, message: 'consent: practitioner only' },
  'consent.practitioner_suspended': { status: 422, message: 'consent: practitioner suspended' },
  'consent.request_closed': { status: 422, message: 'consent: request closed' },
  'consent.too_many': { status: 422, message: 'consent: too many' },
  'consent.unknown': { status: 422, message: 'consent: unknown' },
  'consent.unknown_org': { status: 422, message: 'consent: unknown org' },
  'consent.unknown_patient': { status: 404, message: 'consent: unknown patient' },
  'consent.unknown_practitioner': { status: 422, message: 'consent: unknown practitioner' },
  'consent.unknown_request': { status: 422, message: 'consent: unknown request' },

  'encoding.non_canonical': { status: 400, message: 'encoding: non canonical' },

  'envelope.bad_recipient_key': { status: 400, message: 'encrypted envelope: bad recipient key' },
  'envelope.bad_seed': { status: 400, message: 'encrypted envelope: bad seed' },
  'envelope.commitment_mismatch': { status: 400, message: 'encrypted envelope: commitment mismatch' },
  'envelope.malformed': { status: 400, message: 'encrypted envelope: malformed' },
  'envelope.open_failed': { status: 400, message: 'encrypted envelope: open failed' },

  'epcis.document_too_large': { status: 413, message: 'epcis: document too large' },
  'epcis.invalid': { status: 400, message: 'epcis: invalid' },
  'epcis.no_events': { status: 400, message: 'epcis: no events' },
  'epcis.not_a_document': { status: 400, message: 'epcis: not a document' },
  'epcis.query_invalid': { status: 400, message: 'epcis: query invalid' },
  'epcis.schema_invalid': { status: 400, message: 'epcis: schema invalid' },
  'epcis.schema_unavailable': { status: 503, message: 'epcis: schema unavailable' },

  'epcis_hash.malformed_event': { status: 400, message: 'EPCIS event hash: malformed event' },

  'events.too_many_streams': { status: 503, message: 'event stream: too many streams (retry later)' },

  'evidence.invalid': { status: 400, message: 'evidence: invalid' },

  'genesis.invalid': { status: 400, message: 'genesis: invalid' },

  'governance.already_voted': { status: 422, message: 'governance: already voted' },
  'governance.duplicate_validator': { status: 422, message: 'governance: duplicate validator' },
  'governance.invalid_validator_set': { status: 422, message: 'governance: invalid validator set' },
  'governance.key_in_use': { status: 422, message: 'governance: key in use' },
  'governance.last_member': { status: 422, message: 'governance: last member' },
  'governance.member_not_active': { status: 422, message: 'governance: member not active' },
  'governance.member_not_suspended': { status: 422, message: 'governance: member not suspended' },
  'governance.no_validators_left': { status: 422, message: 'governance: no validators left' },
  'governance.not_in_electorate': { status: 422, message: 'governance: not in electorate' },
  'governance.not_member_admin': { status: 422, message: 'governance: not member admin' },
  'governance.not_member_node': { status: 422, message: 'governance: not member node' },
  'governance.not_validator': { status: 422, message: 'governance: not validator' },
  'governance.org_exists': { status: 422, message: 'governance: org exists' },
  'governance.power_shift_too_large': { status: 422, message: 'governance: power shift too large' },
  'governance.proposal_closed': { status: 422, message: 'governance: proposal closed' },
  'governance.schedule_full': { status: 422, message: 'governance: schedule full' },
  'governance.too_many_validators': { status: 422, message: 'governance: too many validators' },
  'governance.unknown_org': { status: 422, message: 'governance: unknown org' },
  'governance.unknown_proposal': { status: 422, message: 'governance: unknown proposal' },
  'governance.voting_closed': { status: 422, message: 'governance: voting closed' },

  'intake.rate_limited': { status: 429, message: 'tx intake: rate limited (see Retry-After)' },
  'intake.unknown_signer': { status: 403, message: 'tx intake: an unknown key may only enrol' },

  internal: { status: 500, message: 'internal' },

  'key.invalid': { status: 400, message: 'key: invalid' },
  'key.unreadable': { status: 400, message: 'key: unreadable' },

  'member.duplicate': { status: 400, message: 'membership: duplicate' },
  'member.invalid': { status: 400, message: 'membership: invalid' },
  'member.no_validator': { status: 400, message: 'membership: no validator' },

  'membership.already_claimed': { status: 422, message: 'membership: already claimed' },
  'membership.already_suspended': { status: 422, message: 'membership: already suspended' },
  'membership.bad_attestation': { status: 422, message: 'membership: bad attestation' },
  'membership.bad_key_proof': { status: 422, message: 'membership: bad key proof' },
  'membership.key_in_use': { status: 422, message: 'membership: key in use' },
  'membership.not_admin': { status: 422, message: 'membership: not admin' },
  'membership.not_custodial': { status: 422, message: 'membership: not custodial' },
  'membership.not_org_node': { status: 422, message: 'membership: not an organisation node' },
  'membership.not_patient': { status: 422, message: 'membership: not patient' },
  'membership.not_suspended': { status: 422, message: 'membership: not suspended' },
  'membership.patient_exists': { status: 422, message: 'membership: patient exists' },
  'membership.proxy_revoked': { status: 422, message: 'membership: proxy revoked' },
  'membership.unknown_org': { status: 422, message: 'membership: unknown org' },
  'membership.unknown_practitioner': { status: 422, message: 'membership: unknown practitioner' },
  'membership.unknown_proxy': { status: 422, message: 'membership: unknown proxy' },

  'mempool.duplicate': { status: 409, message: 'mempool: duplicate' },
  'mempool.full': { status: 503, message: 'mempool: full' },

  'merkle.invalid_hash': { status: 400, message: 'Merkle log: invalid hash' },
  'merkle.node_conflict': { status: 400, message: 'Merkle log: node conflict' },
  'merkle.node_missing': { status: 400, message: 'Merkle log: node missing' },
  'merkle.out_of_range': { status: 400, message: 'Merkle log: out of range' },
  'merkle.size_mismatch': { status: 400, message: 'Merkle log: size mismatch' },
  'merkle.size_unavailable': { status: 400, message: 'Merkle log: size unavailable' },
  'metrics.operator_only': { status: 403, message: 'metrics: served to the node’s own machine only' },

  'monitoring.duplicate_reading': { status: 422, message: 'remote monitoring: duplicate reading' },
  'monitoring.invalid_batch': { status: 400, message: 'remote monitoring: invalid batch' },
  'monitoring.invalid_period': { status: 400, message: 'remote monitoring: invalid period' },
  'monitoring.invalid_reading': { status: 400, message: 'remote monitoring: invalid reading' },
  'monitoring.invalid_vitals': { status: 400, message: 'remote monitoring: invalid vitals' },
  'monitoring.outside_period': { status: 422, message: 'remote monitoring: outside period' },
  'monitoring.unknown_reading': { status: 422, message: 'remote monitoring: unknown reading' },

  'node.not_solo': { status: 400, message: 'node: not solo' },

  'p2p.already_started': { status: 400, message: 'peer channel: already started' },
  'p2p.bad_batch': { status: 400, message: 'peer channel: bad batch' },
  'p2p.bad_method': { status: 400, message: 'peer channel: bad method' },
  'p2p.body_too_large': { status: 400, message: 'peer channel: body too large' },
  'p2p.malformed_body': { status: 400, message: 'peer channel: malformed body' },
  'p2p.not_json': { status: 400, message: 'peer channel: not json' },
  'p2p.peer_address_invalid': { status: 400, message: 'peer channel: peer address invalid' },
  'p2p.peer_duplicate': { status: 400, message: 'peer channel: peer duplicate' },
  'p2p.peer_not_allowed': { status: 400, message: 'peer channel: peer not allowed' },
  'p2p.peer_not_connected': { status: 400, message: 'peer channel: peer not connected' },
  'p2p.request_failed': { status: 400, message: 'peer channel: request failed' },
  'p2p.request_timeout': { status: 400, message: 'peer channel: request timeout' },
  'p2p.stream_closed': { status: 400, message: 'peer channel: stream closed' },
  'p2p.unknown_peer': { status: 400, message: 'peer channel: unknown peer' },

  'proof.out_of_range': { status: 400, message: 'proof: out of range' },

  'records.decision_mismatch': { status: 422, message: 'records: decision mismatch' },
  'records.duplicate_event': { status: 422, message: 'records: duplicate event' },
  'records.erased': { status: 422, message: 'records: erased' },
  'records.erasure_already_requested': { status: 422, message: 'records: erasure already requested' },
  'records.erasure_not_requested': { status: 422, message: 'records: erasure not requested' },
  'records.grant_without_records': { status: 422, message: 'records: grant without records' },
  'records.mixed_decision': { status: 422, message: 'records: mixed decision' },
  'records.no_write_consent': { status: 422, message: 'records: no write consent' },
  'records.not_clinical': { status: 422, message: 'records: not clinical' },
  'records.not_custodian': { status: 422, message: 'records: not custodian' },
  'records.not_node': { status: 422, message: 'records: not node' },
  'records.not_patient': { status: 422, message: 'records: not patient' },
  'records.nothing_to_erase': { status: 422, message: 'records: nothing to erase' },
  'records.other_custodian': { status: 422, message: 'records: other custodian' },
  'records.other_patient': { status: 422, message: 'records: other patient' },
  'records.proxy_may_not_erase': { status: 403, message: 'records: proxy may not erase' },
  'records.practitioner_suspended': { status: 422, message: 'records: practitioner suspended' },
  'records.receipt_mismatch': { status: 422, message: 'records: receipt mismatch' },
  'records.requester_org_mismatch': { status: 422, message: 'records: requester org mismatch' },
  'records.resource_type_changed': { status: 422, message: 'records: resource type changed' },
  'records.resource_types_mismatch': { status: 422, message: 'records: resource types mismatch' },
  'records.unknown_org': { status: 422, message: 'records: unknown org' },
  'records.unknown_patient': { status: 422, message: 'records: unknown patient' },
  'records.unknown_record': { status: 422, message: 'records: unknown record' },
  'records.unknown_version': { status: 422, message: 'records: unknown version' },
  'records.version_order': { status: 422, message: 'records: version order' },

  'request.invalid': { status: 400, message: 'request: invalid' },
  'request.malformed': { status: 400, message: 'request: malformed' },
  'request.repeated_query_key': { status: 400, message: 'request: repeated query key' },
  'request.too_deep': { status: 400, message: 'request: too deep' },
  'request.too_large': { status: 413, message: 'request: too large' },
  'request.unsupported_media_type': { status: 415, message: 'request: unsupported media type' },

  'route.not_found': { status: 404, message: 'route: not found' },

  'state.missing': { status: 400, message: 'state: missing' },

  'storage.invalid': { status: 500, message: 'storage: invalid' },
  'storage.unavailable': { status: 500, message: 'storage: unavailable' },
  'storage.validator_locked': { status: 500, message: 'storage: validator locked' },

  'store.genesis_mismatch': { status: 500, message: 'store: genesis mismatch' },

  'supply.aggregate_full': { status: 422, message: 'supply chain: aggregate full' },
  'supply.aggregation_too_deep': { status: 422, message: 'supply chain: aggregation too deep' },
  'supply.alert_unfounded': { status: 422, message: 'supply chain: alert unfounded' },
  'supply.already_commissioned': { status: 422, message: 'supply chain: already commissioned' },
  'supply.already_dispensed': { status: 422, message: 'supply chain: already dispensed' },
  'supply.already_packed': { status: 422, message: 'supply chain: already packed' },
  'supply.already_recalled': { status: 422, message: 'supply chain: already recalled' },
  'supply.commit_timeout': { status: 503, message: 'supply chain: commit timeout' },
  'supply.decommissioned': { status: 422, message: 'supply chain: decommissioned' },
  'supply.destination_required': { status: 422, message: 'supply chain: destination required' },
  'supply.duplicate_event_id': { status: 422, message: 'supply chain: duplicate event id' },
  'supply.epc_history_full': { status: 422, message: 'supply chain: epc history full' },
  'supply.gln_taken': { status: 422, message: 'supply chain: gln taken' },
  'supply.gtin_taken': { status: 422, message: 'supply chain: gtin taken' },
  'supply.ilmd_required': { status: 422, message: 'supply chain: ilmd required' },
  'supply.invalid': { status: 400, message: 'supply chain: invalid' },
  'supply.invalid_sgtin': { status: 400, message: 'supply chain: invalid sgtin' },
  'supply.lifecycle_order': { status: 422, message: 'supply chain: lifecycle order' },
  'supply.no_organisation': { status: 503, message: 'supply chain: no organisation' },
  'supply.not_addressee': { status: 422, message: 'supply chain: not addressee' },
  'supply.not_commissioned': { status: 422, message: 'supply chain: not commissioned' },
  'supply.not_custodian': { status: 422, message: 'supply chain: not custodian' },
  'supply.not_declarer': { status: 422, message: 'supply chain: not declarer' },
  'supply.not_manufacturer': { status: 422, message: 'supply chain: not manufacturer' },
  'supply.not_member': { status: 422, message: 'supply chain: not member' },
  'supply.not_own_org': { status: 403, message: 'supply chain: not own org' },
  'supply.not_owner': { status: 422, message: 'supply chain: not owner' },
  'supply.not_pharmacy': { status: 422, message: 'supply chain: not pharmacy' },
  'supply.not_recalled': { status: 422, message: 'supply chain: not recalled' },
  'supply.not_staff': { status: 403, message: 'supply chain: not staff' },
  'supply.not_trading_partner': { status: 422, message: 'supply chain: not trading partner' },
  'supply.observations_full': { status: 422, message: 'supply chain: observations full' },
  'supply.parent_required': { status: 422, message: 'supply chain: parent required' },
  'supply.practitioner_suspended': { status: 422, message: 'supply chain: practitioner suspended' },
  'supply.product_not_found': { status: 404, message: 'supply chain: product not found' },
  'supply.quarantined': { status: 422, message: 'supply chain: quarantined' },
  'supply.recalled': { status: 422, message: 'supply chain: recalled' },
  'supply.rejected': { status: 422, message: 'supply chain: rejected' },
  'supply.suspect_closed': { status: 422, message: 'supply chain: suspect closed' },
  'supply.too_large': { status: 413, message: 'supply chain: too large' },
  'supply.too_many_glns': { status: 422, message: 'supply chain: too many glns' },
  'supply.too_many_units': { status: 422, message: 'supply chain: too many units' },
  'supply.trail_full': { status: 422, message: 'supply chain: trail full' },
  'supply.unavailable': { status: 503, message: 'supply chain: unavailable' },
  'supply.unit_not_found': { status: 404, message: 'supply chain: unit not found' },
  'supply.unknown_destination': { status: 422, message: 'supply chain: unknown destination' },
  'supply.unknown_product': { status: 422, message: 'supply chain: unknown product' },
  'supply.unknown_suspect': { status: 404, message: 'supply chain: unknown suspect' },

  'sync.bad_commit': { status: 400, message: 'block sync: bad commit' },
  'sync.malformed': { status: 400, message: 'block sync: malformed' },

  'trials.duplicate_outcome': { status: 422, message: 'trials: duplicate outcome' },
  'trials.invalid_registration': { status: 400, message: 'trials: invalid registration' },
  'trials.invalid_salt': { status: 400, message: 'trials: invalid salt' },
  'trials.unknown_outcome': { status: 422, message: 'trials: unknown outcome' },

  'tx.bad_signature': { status: 400, message: 'transaction: bad signature' },
  'tx.invalid_payload': { status: 422, message: 'transaction: invalid payload' },
  'tx.malformed': { status: 400, message: 'transaction: malformed' },
  'tx.nonce_gap': { status: 409, message: 'transaction: nonce gap' },
  'tx.nonce_replayed': { status: 409, message: 'transaction: nonce replayed' },
  'tx.not_found': { status: 404, message: 'transaction: not found' },
  'tx.pending': { status: 404, message: 'transaction: pending' },
  'tx.rejected': { status: 422, message: 'transaction: rejected' },
  'tx.too_large': { status: 413, message: 'transaction: too large' },
  'tx.unknown_type': { status: 400, message: 'transaction: unknown type' },
  'tx.wrong_chain': { status: 400, message: 'transaction: wrong chain' },

  'validators.invalid': { status: 400, message: 'validators: invalid' },

  'vault.corrupt': { status: 400, message: 'vault: corrupt' },
  'vault.invalid_input': { status: 400, message: 'vault: invalid input' },
  'vault.no_key': { status: 400, message: 'vault: no key' },
  'vault.not_found': { status: 404, message: 'vault: not found' },
  'vault.recipient_exists': { status: 400, message: 'vault: recipient exists' },
  'vault.record_mismatch': { status: 400, message: 'vault: record mismatch' },
  'vault.shredded': { status: 400, message: 'vault: shredded' },
  'vault.too_large': { status: 400, message: 'vault: too large' },
  'vault.version_exists': { status: 400, message: 'vault: version exists' },
  'vault.wipe_incomplete': { status: 400, message: 'vault: wipe incomplete' },

  'verify.invalid': { status: 400, message: 'verify: invalid' },
  'verify.invalid_code': { status: 400, message: 'verify: invalid code' },
  'verify.rate_limited': { status: 429, message: 'verify: rate limited (see Retry-After)' },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, code);
}

/** The status the domain API answers a code with; a code missing from the catalogue is a bug (400 as before). */
export function statusOfCode(code: string): number {
  return isErrorCode(code) ? ERROR_CATALOGUE[code].status : 400;
}
