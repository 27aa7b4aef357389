// What the app says when the node refuses: one plain sentence per error code of the API's catalogue
// (src/core/errors/codes.ts), written for the person who sees it — a patient, or staff (clinicians,
// pharmacists, supply staff) — and never the code itself. The table is keyed by the catalogue's own type,
// so a code added there fails the typecheck here until it has a sentence; test/web/error-sentences.test.ts
// walks the catalogue at run time as well. Codes raised only inside a node (consensus, P2P, storage,
// configuration) never reach the app and share one sentence.
import type { ErrorCode } from '../../../src/core/errors/codes.ts';

export type Audience = 'patient' | 'staff';
/** One sentence for everyone, or one per audience. */
export type Sentence = string | { readonly patient: string; readonly staff: string };

/** Prefixes of the codes that stay inside a node (its peers, its disk, its configuration). */
export const NODE_INTERNAL_PREFIXES = [
  'block.bad_tx',
  'block.mismatch',
  'block.too_large',
  // Transparency-log checkpoints and witnesses (C2SP): between nodes and witnesses, not the app.
  'c2sp.',
  'checkpoint.',
  'commit.',
  'config.',
  'consensus.',
  'envelope.',
  'epcis_hash.',
  'evidence.',
  'genesis.',
  'key.',
  'member.',
  'merkle.',
  'metrics.',
  'node.',
  'p2p.',
  'state.',
  'storage.',
  'store.',
  'sync.',
  'validators.',
  'vault.',
] as const;

type NodeInternalCode = Extract<ErrorCode, `${(typeof NODE_INTERNAL_PREFIXES)[number]}${string}`>;
/** Every catalogue code the API can answer the app with. */
export type ShownCode = Exclude<ErrorCode, NodeInternalCode>;

export const NODE_INTERNAL_SENTENCE =
  'The node ran into a problem of its own. Try again in a minute; if it keeps happening, tell the node’s administrator.';

const TRY_AGAIN = 'Please try again.';
const RELOAD = 'Reload the page and try again.';
const SIGN_IN_AGAIN = 'Your sign-in has ended. Sign in again to continue.';
const NO_CONSENT: Sentence = {
  patient: 'You have not allowed this. Nothing was shared.',
  staff:
    'The patient has not allowed you to see these records. Ask them for consent, or use emergency access if this is an emergency.',
};

export const ERROR_SENTENCES: Record<ShownCode, Sentence> = {
  'claims.already_decided': 'This prior-authorisation request has already been decided.',
  'claims.claim_exists': 'A claim with this id already exists.',
  'claims.documentation_late':
    'A record this claim cites was not committed before the claim. Submit the claim again after the record is on the ledger.',
  'claims.documentation_missing':
    'A record version this claim cites is not on the ledger, or is not clinical documentation. Cite the encounter, procedure or observation that documents the service.',
  'claims.documentation_other_patient': 'A record this claim cites belongs to another patient.',
  'claims.not_insurer': 'The payer named is not a member insurer of the network.',
  'claims.not_payer_node': 'Only the payer’s node may do this.',
  'claims.not_provider_node': 'Only a member organisation’s node may submit claims.',
  'claims.not_submitted': 'This claim is not awaiting adjudication.',
  'claims.replaces_unknown':
    'The claim this one replaces or voids is unknown, already replaced or voided, or not yours.',
  'claims.request_exists': 'A prior-authorisation request with this id already exists.',
  'claims.rule_table_version': 'A rule table’s version must be one more than the last one published.',
  'claims.undocumented': 'Each claim line must cite the committed records that document the service.',
  'claims.unknown_claim': 'No such claim was sent to this payer.',
  'claims.unknown_request': 'No such prior-authorisation request was sent to this payer.',
  'claims.unknown_rule_table': 'The payer has published no rule table of that version.',
  'claims.void_unmatched': 'A void must repeat the lines of the claim it voids.',
  'claims.claim_not_found': 'No claim has this id.',
  'claims.fingerprint_not_found': 'No claim line has this fingerprint: it has not been billed.',
  'claims.rule_table_not_found': 'This payer has published no rule table of that version.',
  'claims.request_not_found': 'No prior-authorisation request has this id.',
  'claims.not_adjudicated': 'This claim has not been adjudicated yet, so there is nothing to replay.',
  'claims.invalid_claim': 'The claim is incomplete or malformed. Check its lines, codes, units and amounts.',
  'claims.invalid_fingerprint_key':
    'This node is not set up to fingerprint claims. Tell the node’s administrator.',
  'claims.invalid': 'Some of the claim or request details are not valid. Check them and send again.',
  'claims.too_large': 'This request is too large to send. Send fewer items.',
  'claims.unavailable': 'Claims are unavailable at this node right now. Try again in a minute.',
  'claims.commit_timeout': 'The network did not confirm in time. Reload before trying again.',
  'claims.no_payer':
    'The payer named is not a member insurer, and this node has no default payer. Name a member insurer.',
  'claims.staff_only': 'Only staff of this organisation can do this here.',
  'hl7.not_found': 'This message is not in the log. Reload the message log.',
  'hl7.staff_only':
    'Only this organisation’s administrators and lab technicians can read its HL7 message log. Sign in at your own organisation’s node.',
  'hl7.unavailable': 'This node is not registered to an organisation yet, so it has no message log.',
  'claims.facts_mismatch':
    'These claim details do not match the services the provider billed. Use the claim as it was submitted.',
  'claims.patient_only': 'Only the patient can see their explanations of benefit here.',
  'claims.content_mismatch':
    'The provider sent claim details that do not match what it recorded on the ledger. Ask the provider to resubmit.',
  'claims.no_network_key':
    'This node is not set up to send or pay claims yet. Tell the node’s administrator.',
  'claims.invalid_rule_table': 'The adjudication rule table is malformed. Check its fees, edits and plans.',
  'ai.budget_exhausted':
    'Your privacy budget for this data set is spent, so this question cannot be answered.',
  'ai.cohort_exists': 'This organisation has already committed its part of this cohort.',
  'ai.cohort_mismatch': 'This cohort was committed with a different question or purpose.',
  'ai.dataset_exists': 'This data set is already registered.',
  'ai.invalid_privacy_parameter': 'The privacy setting for this question is not valid.',
  'ai.invalid_update': 'This model update is not valid.',
  'ai.model_exists': 'This version of the model is already registered.',
  'ai.model_withdrawn': 'This model has been withdrawn.',
  'ai.not_dataset_owner': 'Only the organisation holding this data set can record what it released.',
  'ai.not_in_cohort': 'Every site in a training round must first commit its part of the cohort.',
  'ai.not_model_owner': 'Only the organisation that developed this model can change it.',
  'ai.not_org': 'Only an organisation can do this.',
  'ai.round_exists': 'This training round is already recorded.',
  'ai.round_out_of_order': 'Training rounds must be recorded one after another.',
  'ai.unknown_cohort': 'No organisation has committed this training cohort.',
  'ai.unknown_dataset': 'There is no such data set.',
  'ai.unknown_model': 'There is no such model version.',
  'ai.unknown_parent': 'The earlier version this one builds on is not registered by your organisation.',
  'ai.commit_timeout': 'The network did not confirm in time. Reload before trying again.',
  'ai.incomplete_card':
    'The model card is missing some of the required source attributes. Fill in every attribute.',
  'ai.invalid': 'Some of what was entered is not valid. Check the highlighted field.',
  'ai.not_found': 'There is no such model, cohort or data set at this node.',
  'ai.not_staff': 'Only staff of this organisation can do this here.',
  'ai.patient_only': 'Only the patient can see this page.',
  'ai.read_refused': 'The patient’s consent does not allow their records to be read for this.',
  'ai.rejected': 'The network refused this change.',
  'ai.too_large': 'This is too large to handle in one request.',
  'ai.unavailable': 'The network is busy. Try again in a moment.',
  'ai.site_unavailable': 'A site of the training round did not give its update. Try the round again.',
  'auth.challenge_bad_signature': `Your key did not sign in correctly. ${RELOAD}`,
  'auth.challenge_busy': 'Too many sign-ins are in progress at this node. Wait a moment and try again.',
  'auth.challenge_expired': 'The sign-in took too long and expired. Please sign in again.',
  'auth.challenge_invalid': `The sign-in could not be checked. ${RELOAD}`,
  'auth.challenge_replayed': `This sign-in was already used. ${RELOAD}`,
  'auth.challenge_unknown': 'The sign-in expired or this node restarted. Please sign in again.',
  'auth.challenge_wrong_audience': 'This sign-in was meant for another node. Sign in again here.',
  'auth.delegation_invalid':
    'Your sign-in as a practitioner could not be checked. Sign in again at your organisation’s node.',
  'auth.expired': SIGN_IN_AGAIN,
  'auth.insufficient_scope': {
    patient: 'Your sign-in does not cover this. Sign in again with your own key.',
    staff: 'Your role does not allow this action.',
  },
  'auth.invalid_request': `The sign-in request was incomplete. ${RELOAD}`,
  'auth.invalid_token': SIGN_IN_AGAIN,
  'auth.issuer_not_org_node':
    'This sign-in came from a node that is not part of the network. Sign in again here.',
  'auth.missing': 'Please sign in first.',
  'auth.not_practitioner': {
    patient: 'This key is not registered as staff. Sign in as a patient instead.',
    staff: 'This key is not registered as staff of any organisation. Ask your administrator to register it.',
  },
  'auth.not_registered': {
    patient: 'This key is not registered on the network yet. Ask your care provider to register you.',
    staff: 'This key is not registered on the network. Ask your administrator to register it.',
  },
  'auth.refresh_invalid': SIGN_IN_AGAIN,
  'auth.revoked': 'This sign-in was ended. Sign in again to continue.',
  'auth.scope_malformed': `The sign-in asked for something the node does not understand. ${RELOAD}`,
  'auth.scope_not_allowed': 'The sign-in asked for more than your key may have.',

  'block.not_found': 'There is no block at that height yet.',

  'consent.already_revoked': 'This permission was already withdrawn.',
  'consent.duplicate_id': `This permission was already recorded. ${RELOAD}`,
  'consent.duplicate_request':
    'You have already asked this patient for the same thing; wait for their answer.',
  'consent.not_patient': {
    patient: 'Only you can sign permissions about your records, with your own key.',
    staff: 'Only the patient can sign this permission.',
  },
  'consent.not_practitioner': 'Only registered staff can ask patients for consent.',
  'consent.patient_only': {
    patient: 'Only you, signed in as the patient, can do this.',
    staff: 'Only the patient can do this, from their own portal.',
  },
  'consent.practitioner_only': {
    patient: 'Only care staff can do this.',
    staff: 'Only registered care staff can do this.',
  },
  'consent.practitioner_suspended': {
    patient:
      'That person’s access has been suspended by their organisation, so they cannot be given permission.',
    staff: 'Your key is suspended by your organisation, so you cannot ask for consent.',
  },
  'consent.request_closed': 'This request was already answered or has expired.',
  'consent.too_many': {
    patient:
      'You have reached the number of permissions one person can keep. Withdraw some you no longer need first.',
    staff: 'This patient has too many open requests; wait until they answer some.',
  },
  'consent.unknown': 'That permission no longer exists. Reload the page to see the current list.',
  'consent.unknown_org': 'There is no organisation by that name on the network.',
  'consent.unknown_patient': {
    patient: 'Your key is not registered as a patient on the network yet.',
    staff: 'No patient with that code is registered on the network. Check the code.',
  },
  'consent.unknown_practitioner':
    'No staff member with that key is registered on the network. Check the key.',
  'consent.unknown_request': 'That request no longer exists. Reload the page to see the current list.',

  'encoding.non_canonical': `The app sent something the network could not read. ${RELOAD}`,

  'epcis.capture_not_found': 'This node has no record of that upload. Check the link, or upload again.',
  'epcis.document_too_large': 'This upload is too large. Send fewer events at a time.',
  'epcis.event_not_found': 'No supply event has this id.',
  'epcis.invalid': 'These supply events are not valid EPCIS. Check the barcode and the details.',
  'epcis.no_events': 'There were no events to record.',
  'epcis.not_a_document': 'This is not an EPCIS document.',
  'epcis.query_invalid': 'This search is not valid. Check what you typed.',
  'epcis.query_too_large': 'This search matches too many events. Narrow it, for example by date.',
  'epcis.schema_invalid': 'These supply events do not follow the EPCIS standard. Check the details.',
  'epcis.schema_unavailable': 'The node cannot check supply events right now. Try again in a minute.',
  'epcis.xml_invalid':
    'This EPCIS XML document could not be read. Check that it is a complete EPCIS document.',

  'events.too_many_streams':
    'Too many live views are open at this node. Close another tab, or try again later.',

  'governance.not_governance_tx':
    'Only a proposal, or a vote on this proposal, signed by your organisation’s admin key, can be sent here.',
  'governance.proposal_not_found': 'No proposal has this id.',
  'genomics.budget_exhausted':
    'Your query budget across the network is spent, so this question cannot be answered.',
  'genomics.commit_timeout': 'The network did not record this in time. Try again in a minute.',
  'genomics.dataset_exists': 'This genome is already registered.',
  'genomics.invalid': 'This request is malformed. Check what you sent.',
  'genomics.invalid_passport':
    'Your research Passport could not be verified. Sign in with your Passport broker again.',
  'genomics.invalid_query': 'This genomic query is not valid. Check the chromosome, position and bases.',
  'genomics.invalid_vcf': 'This VCF file is not valid, so it was not stored.',
  'genomics.no_research_consent': 'There is no research consent to withdraw.',
  'genomics.not_custodian': 'Only the organisation that holds this genome can do this.',
  'genomics.not_org': 'Only an organisation can do this.',
  'genomics.not_patient': 'Only the patient or their proxy can do this.',
  'genomics.not_researcher': 'Only a signed-in researcher can query genomes.',
  'genomics.not_staff': 'Only staff of this organisation can do this.',
  'genomics.too_large': 'This is too large to send.',
  'genomics.unavailable': 'Genomics is unavailable at this node right now. Try again in a minute.',
  'genomics.unknown_dataset': 'No such genome is held here.',
  'genomics.unknown_dataset_set': 'The beacon named a set of genomes that is not on the chain; ask again.',
  'genomics.unknown_patient': 'No such patient is registered.',
  'governance.already_voted': 'Your organisation has already voted on this proposal.',
  'governance.duplicate_validator': 'This validator is already in the set.',
  'governance.invalid_validator_set':
    'This change would leave the network without a valid set of validators.',
  'governance.key_in_use': 'This key is already used by another member.',
  'governance.last_member': 'The last member of the network cannot be removed.',
  'governance.member_not_active': 'This member is not active.',
  'governance.member_not_suspended': 'This member is not suspended.',
  'governance.no_validators_left': 'This change would leave the network with no validators.',
  'governance.not_in_electorate': 'Your organisation does not vote on this proposal.',
  'governance.not_member_admin': 'Only an administrator of a member organisation can do this.',
  'governance.not_member_node': 'Only a member organisation’s node can do this.',
  'governance.not_validator': 'This organisation is not a validator.',
  'governance.org_exists': 'An organisation with this name already exists.',
  'governance.power_shift_too_large':
    'This change moves too much voting power at once. Make it in smaller steps.',
  'governance.proposal_closed': 'This proposal is already decided.',
  'governance.recovery_invalid':
    'This recovery certificate is not valid for the network now: it needs signatures from more than two thirds of the member organisations, for the last block made.',
  'governance.schedule_full': 'Too many changes are already scheduled. Wait until some take effect.',
  'governance.too_many_validators': 'The network cannot have more validators.',
  'governance.unknown_org': 'There is no organisation by that name on the network.',
  'governance.unknown_proposal': 'There is no such proposal.',
  'governance.voting_closed': 'Voting on this proposal has closed.',

  'intake.rate_limited': 'The network is busy. Wait a few seconds and try again.',
  'intake.unknown_signer': 'Your key is not registered on the network yet, so it cannot sign this.',

  internal: NODE_INTERNAL_SENTENCE,

  'membership.already_claimed': 'This record identity has already been claimed by its patient.',
  'membership.already_suspended': 'This key is already suspended.',
  'membership.bad_attestation':
    'Your care provider has not confirmed this key for these records. Ask them to confirm it again.',
  'membership.bad_key_proof': `The new key could not prove it is yours. ${RELOAD}`,
  'membership.key_in_use': 'This key is already registered.',
  'membership.not_admin': 'Only an administrator of the organisation can do this.',
  'membership.not_custodial': 'There are no records waiting to be claimed under this identity.',
  'membership.not_org_node': 'Only a care provider’s server can register a patient for them.',
  'membership.not_patient': 'This key does not belong to a registered patient.',
  'membership.not_suspended': 'This key is not suspended.',
  'membership.patient_exists': 'This patient is already registered.',
  'membership.proxy_revoked': 'This person may no longer act for the patient.',
  'membership.unknown_org': 'There is no organisation by that name on the network.',
  'membership.unknown_practitioner': 'No staff member with that key is registered.',
  'membership.unknown_proxy': 'This person is not registered to act for the patient.',

  'mempool.duplicate': 'This was already sent and is being recorded.',
  'mempool.full': 'The network is busy. Wait a few seconds and try again.',

  'monitoring.access_exists': 'This read was logged already; each read is logged once.',
  'monitoring.bad_batch_signature':
    'The batch is not signed by the device or its gateway, so it was not recorded.',
  'monitoring.batch_replayed': 'A batch for this period was recorded already; a batch is sent once.',
  'monitoring.billing_exists': 'The billing record for this device and period exists already.',
  'monitoring.device_bound': 'This device is already linked to a patient. Unlink it first.',
  'monitoring.device_exists': 'A device with this system id is registered already.',
  'monitoring.device_revoked': 'This device has been withdrawn and can no longer send readings.',
  'monitoring.device_unbound': 'This device is not linked to a patient.',
  'monitoring.duplicate_reading': 'The same reading was sent twice in one batch. Send each reading once.',
  'monitoring.escalation_acked': 'This alert was acknowledged already.',
  'monitoring.escalation_exists': 'This alert is open already.',
  'monitoring.invalid_batch': 'A batch holds at least one reading and at most ten thousand.',
  'monitoring.invalid_period': 'A billing period starts at midnight (UTC). Choose the first day again.',
  'monitoring.invalid_reading':
    'A reading was incomplete or not a number. Check the device and send it again.',
  'monitoring.invalid_upload':
    'The upload is not a Personal Health Device bundle or observation. Check the gateway’s settings.',
  'monitoring.invalid_vitals':
    'A vital sign is missing or outside what a patient can have. Check the numbers and score again.',
  'monitoring.not_bound_patient':
    'Only the patient the device is linked to, or its organisation, can unlink it.',
  'monitoring.not_care_team':
    'Only a clinician of the organisation that raised the alert can acknowledge it.',
  'monitoring.not_staff': 'Only staff of the organisation that runs this device can see its readings.',
  'monitoring.not_device_org': 'This device belongs to another organisation.',
  'monitoring.not_org': 'Only an organisation’s server or administrator can do this.',
  'monitoring.not_patient': 'Only the patient (or someone acting for them) can link a device to themselves.',
  'monitoring.outside_period': 'A reading or batch falls outside the period it was sent for.',
  'monitoring.patient_only':
    'Only the patient (or someone acting for them) can see who read their device data.',
  'monitoring.period_open': 'The 30-day period has not ended yet. Record it after its last day.',
  'monitoring.period_out_of_binding':
    'The readings are from before the device was linked, or from the future.',
  'monitoring.unknown_batch': 'No readings of this device were recorded for that patient in that period.',
  'monitoring.unknown_billing': 'There is no billing record for this device and period yet.',
  'monitoring.unknown_device': 'There is no device with that system id.',
  'monitoring.unknown_escalation': 'There is no alert with that id.',
  'monitoring.unknown_reading': 'That reading is not in the batch it was checked against.',

  'proof.out_of_range': 'There is no proof for that position in the ledger yet.',

  'records.decision_mismatch': `The access could not be recorded consistently. ${TRY_AGAIN}`,
  'records.duplicate_event': 'This access was already recorded.',
  'records.erased': {
    patient: 'You had this record erased; it cannot be read any more.',
    staff: 'The patient had this record erased; it cannot be read any more.',
  },
  'records.erasure_already_requested': 'You have already asked for this to be erased. It is being done.',
  'records.erasure_not_requested': 'No erasure was asked for these records.',
  'records.grant_without_records': 'There are no records this permission could cover.',
  'records.mixed_decision': `The access could not be recorded consistently. ${TRY_AGAIN}`,
  'records.no_write_consent': {
    patient: 'You have not allowed this organisation to add to your records.',
    staff:
      'The patient has not allowed your organisation to add to their records. Ask them for consent to write.',
  },
  'records.not_clinical': {
    patient: 'Only clinical staff can add to your records.',
    staff: 'Only clinical staff (physicians, nurses, pharmacists, lab technicians) can add records.',
  },
  'records.not_custodian': {
    patient: 'This organisation does not keep your records.',
    staff:
      'Your organisation does not keep this patient’s records; only the organisation that does can change them.',
  },
  'records.not_mergeable':
    'Only two Patient records of your organisation, neither merged away already, can be merged.',
  'records.not_node': `Only an organisation’s node can record this. ${TRY_AGAIN}`,
  'records.not_patient': {
    patient: 'Only you can ask for your own records to be erased.',
    staff: 'Only the patient can ask for their records to be erased.',
  },
  'records.nothing_to_erase': {
    patient: 'There is nothing left to erase: every record is already erased or was never kept here.',
    staff: 'There is nothing to erase.',
  },
  'records.other_custodian': 'This record is kept by another organisation.',
  'records.other_patient': 'This record belongs to another patient.',
  'records.proxy_may_not_erase': 'Only the patient can erase their records; a person acting for them cannot.',
  'records.practitioner_suspended': {
    patient: 'That person’s access has been suspended by their organisation.',
    staff: 'Your key is suspended by your organisation.',
  },
  'records.receipt_mismatch': `The erasure receipt did not match the request. ${TRY_AGAIN}`,
  'records.requester_org_mismatch':
    'Your key belongs to another organisation than this node’s. Sign in at your own organisation’s node.',
  'records.resource_type_changed': 'A record cannot change its kind; add a new record instead.',
  'records.resource_types_mismatch': `The access could not be recorded consistently. ${TRY_AGAIN}`,
  'records.unknown_org': 'There is no organisation by that name on the network.',
  'records.unknown_patient': {
    patient: 'Your key is not registered as a patient on the network yet.',
    staff: 'This patient is not registered on the network. Check the patient code.',
  },
  'records.unknown_record': 'There is no such record. Check the record id.',
  'records.unknown_version': 'That version of the record does not exist.',
  'records.version_order': 'The record was changed in the meantime. Reload it and try again.',

  'request.invalid': 'Some of what you entered is not valid. Check the form and try again.',
  'request.malformed': `The app sent a request the node could not read. ${RELOAD}`,
  'request.repeated_query_key': `The app sent a request the node could not read. ${RELOAD}`,
  'request.too_deep': 'This is too complex to send in one go.',
  'request.too_large': 'This is too large to send. Make it smaller.',
  'request.unsupported_media_type': `The app sent a request the node could not read. ${RELOAD}`,

  'route.not_found': 'This node does not offer that. It may run an older version.',

  'supply.aggregate_full': 'This case or pallet cannot hold more packs.',
  'supply.aggregation_too_deep': 'Packs can be nested only a few levels deep (pack, case, pallet).',
  'supply.alert_unfounded': 'This alert has no supply event behind it, so it was not recorded.',
  'supply.already_commissioned': 'These packs are already in circulation.',
  'supply.already_dispensed': 'This pack was already dispensed to a patient. Do not dispense it again.',
  'supply.already_packed': 'This pack is already packed in a case.',
  'supply.already_recalled': 'This lot is already recalled.',
  'supply.commit_timeout': 'The network did not confirm in time. Check the pack before trying again.',
  'supply.decommissioned': 'This pack was taken out of circulation.',
  'supply.destination_required': 'Choose where the shipment goes.',
  'supply.duplicate_event_id': 'This event was already recorded.',
  'supply.epc_history_full': 'This pack has too many events recorded already.',
  'supply.gln_taken': 'This location number (GLN) already belongs to another organisation.',
  'supply.gtin_taken': 'This product code (GTIN) is already registered.',
  'supply.ilmd_required': 'Enter the lot number and expiry date for new packs.',
  'supply.invalid': 'Some of the supply details are not valid. Check the form.',
  'supply.invalid_sgtin': 'This barcode is not a valid pack code. Scan it again.',
  'supply.lifecycle_order':
    'This step cannot happen yet for this pack (for example, receiving before shipping).',
  'supply.no_organisation': 'This node has no organisation for supply work. Ask its administrator.',
  'supply.not_addressee': 'This shipment was sent to another organisation, not yours.',
  'supply.not_commissioned':
    'This pack was never put into circulation by its maker. Do not dispense it; report it.',
  'supply.not_custodian': 'Your organisation does not hold this pack.',
  'supply.not_declarer': 'Only the organisation that raised this can change it.',
  'supply.not_manufacturer': 'Only the product’s manufacturer can do this.',
  'supply.not_member': 'This organisation is not a member of the network.',
  'supply.not_own_org': 'You can act only for your own organisation.',
  'supply.not_owner': 'Your organisation does not own this pack.',
  'supply.not_pharmacy': 'Only a pharmacy can dispense packs to patients.',
  'supply.not_recalled': 'This lot is not recalled.',
  'supply.not_staff': 'Only staff of a member organisation can do this.',
  'supply.not_trading_partner':
    'This organisation is not one of your trading partners. Choose a partner from the list.',
  'supply.observations_full': 'This pack has too many observations recorded already.',
  'supply.parent_required': 'Choose the case or pallet these packs go into.',
  'supply.practitioner_suspended': 'Your key is suspended by your organisation.',
  'supply.product_not_found': 'There is no product with that code.',
  'supply.quarantined': 'This pack is quarantined. Do not dispense it.',
  'supply.recalled': 'This pack belongs to a recalled lot. Do not dispense it; set it aside for return.',
  'supply.rejected': 'The network refused this supply event.',
  'supply.suspect_closed': 'This report is already closed.',
  'supply.too_large': 'This is too large to send. Send fewer packs at a time.',
  'supply.too_many_glns': 'Too many locations for one organisation.',
  'supply.too_many_units': 'Too many packs in one event. Send fewer at a time.',
  'supply.trail_full': 'This pack’s history is full.',
  'supply.unavailable': 'Supply checks are unavailable at this node right now. Try again in a minute.',
  'supply.unit_not_found': 'No pack with this code is known to the network. Do not dispense it; report it.',
  'supply.unknown_destination': 'That destination is not a known organisation or location.',
  'supply.unknown_product': 'This product is not registered. Register the product first.',
  'supply.unknown_suspect': 'There is no such report.',

  'trials.already_allocated': 'This participant is already allocated.',
  'trials.already_consented': 'You already consent to this protocol version.',
  'trials.already_enrolled': 'You are already enrolled in this trial.',
  'trials.already_registered': 'A trial with this registry number is already registered.',
  'trials.already_unblinded': 'This trial is already unblinded.',
  'trials.duplicate_sae': 'This adverse event report is already recorded.',
  'trials.locked': 'The trial database is locked: no more enrolments or amendments.',
  'trials.no_results': 'No results are posted for this trial yet.',
  'trials.no_seed': 'The sponsor has not yet committed the randomisation seed. Try again later.',
  'trials.not_enrolled': 'You are not enrolled in this trial.',
  'trials.not_locked': 'Lock the analysis plan and the database before unblinding.',
  'trials.not_sponsor': 'Only the trial sponsor’s staff may do this.',
  'trials.not_unblinded': 'Unblind the trial before posting results.',
  'trials.registration_not_final':
    'The trial registration is not final yet. Wait a few seconds and try again.',
  'trials.results_posted': 'Results are already posted. Link outcomes instead.',
  'trials.seed_fixed': 'The randomisation seed is already committed, or enrolment has begun.',
  'trials.seed_mismatch': 'This seed does not match the committed one.',
  'trials.stale_version': 'The protocol has a newer version. Reload and read it before consenting.',
  'trials.unknown_enrolment': 'There is no such enrolment in this trial.',
  'trials.unknown_site': 'That site is not a member organisation.',
  'trials.unknown_trial': 'There is no such trial.',
  'trials.withdrawn': 'You have withdrawn from this trial.',
  'trials.invalid_results':
    'The results are not complete or not well formed. Check the field named and send them again.',
  'trials.duplicate_outcome':
    'The registration lists the same outcome twice. Remove the copy and register again.',
  'trials.invalid_registration':
    'The trial registration is not complete or not well formed. Check the field named and send it again.',
  'trials.invalid_salt': 'The document commitment needs a 32-byte salt.',
  'trials.unknown_outcome':
    'That outcome is not in the trial registration. Check the outcome the report links to.',

  'trials.invalid': 'Some of the trial details are not valid. Check the form.',
  'trials.commit_timeout': 'The network did not confirm in time. Reload before trying again.',
  'trials.patient_only': 'Only the patient can see their own trials.',
  'trials.too_large': 'This is too large to send. Send a shorter study record.',
  'trials.unavailable': 'Trials are unavailable at this node right now. Try again in a minute.',
  'trials.rejected': 'The network refused this trial change.',
  'tx.bad_signature': `The signature did not check out. ${RELOAD}`,
  'tx.invalid_payload': 'Some of what you entered is not valid. Check the form and try again.',
  'tx.malformed': `The app sent something the network could not read. ${RELOAD}`,
  'tx.nonce_gap': 'Another action of yours is still being recorded. Wait a moment and try again.',
  'tx.nonce_replayed': 'This was already recorded. Reload the page to see the result.',
  'tx.not_found': 'There is no transaction with that hash on this ledger.',
  'tx.pending': 'This is still being recorded. Check again in a moment.',
  'tx.rejected': 'The network refused this.',
  'tx.too_large': 'This is too large to record. Make it smaller.',
  'tx.unknown_type': `The network does not know this kind of action. ${RELOAD}`,
  'tx.wrong_chain': 'This was signed for another network. Reload the page and sign in again.',

  'verify.invalid': 'This code could not be read. Scan it again or type it as printed.',
  'verify.invalid_code': 'This is not a valid pack barcode. Scan it again or type it as printed.',
  'verify.rate_limited': 'Too many checks in a short time. Wait a few seconds and try again.',
};

/**
 * Why an access was refused (src/app/records/types.ts ACCESS_REASON_CODES), as the FHIR boundary names
 * it in "access denied (reason)".
 */
export const ACCESS_REFUSAL_SENTENCES: Record<string, Sentence> = {
  'consent.none': NO_CONSENT,
  'consent.denied': {
    patient: 'You have said this person may never see these records.',
    staff: 'The patient has refused access to these records.',
  },
  'break-glass.not_allowed':
    'Emergency access is only for physicians and nurses of hospitals and clinics treating the patient.',
  'break-glass.practitioner_budget':
    'You have used all your emergency accesses for today. Ask a colleague, or the privacy officer.',
  'break-glass.organisation_budget':
    'Your organisation has used all its emergency accesses for today. Contact the privacy officer.',
  'requester.not_practitioner': 'Only registered care staff can read patients’ records.',
  'requester.suspended': 'Your key is suspended by your organisation.',
  'record.erased': {
    patient: 'You had this record erased; it cannot be read any more.',
    staff: 'The patient had this record erased; it cannot be read any more.',
  },
  'policy.opt-out': {
    patient: 'You have opted out of sharing for your care, so nothing was shared.',
    staff: 'The patient has opted out of sharing for their care. Ask them for consent.',
  },
};

export function sentenceFor(sentence: Sentence, audience: Audience): string {
  return typeof sentence === 'string' ? sentence : sentence[audience];
}

export function isNodeInternal(code: string): boolean {
  return NODE_INTERNAL_PREFIXES.some((prefix) => code.startsWith(prefix));
}

/** The sentence of a catalogue or access-refusal code, if the app has one. */
export function sentenceOfCode(code: string, audience: Audience): string | undefined {
  if (Object.hasOwn(ERROR_SENTENCES, code)) return sentenceFor(ERROR_SENTENCES[code as ShownCode], audience);
  if (Object.hasOwn(ACCESS_REFUSAL_SENTENCES, code))
    return sentenceFor(ACCESS_REFUSAL_SENTENCES[code]!, audience);
  return isNodeInternal(code) ? NODE_INTERNAL_SENTENCE : undefined;
}
