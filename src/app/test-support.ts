// Helpers for the app modules' unit tests (imported by *.test.ts only): deterministic keys, a genesis
// with member organisations, and a small chain that executes txs block by block through the real
// BlockExecutor, checking on every refusal that the refused tx wrote nothing.
import assert from 'node:assert/strict';
import { toHex, utf8 } from '../core/bytes.ts';
import { canonicalBytes, type CanonicalValue } from '../core/canonical.ts';
import { publicKeyFromSeed, sha256, signMessage } from '../core/crypto/index.ts';
import { genesisHash, type Genesis } from '../core/genesis.ts';
import { signTx, TxError, txHash, type SignedTx } from '../core/tx.ts';
import { BlockExecutor, executeGenesis, lastNonce } from './executor.ts';
import type { StateReader } from './state.ts';
import { patientPseudonym, proxyAcceptanceMessage } from './membership/pseudonym.ts';
import type { ProxyRelationship } from './membership/types.ts';

export const chainId = 'carechain-test';
export const GENESIS_TIME_MS = 1_700_000_000_000;
export const BLOCK_INTERVAL_MS = 1000;

export interface Party {
  readonly seed: Uint8Array;
  readonly key: string;
}

export function party(label: string): Party {
  const seed = sha256(utf8(label));
  return { seed, key: toHex(publicKeyFromSeed(seed)) };
}

/** Signs a possession proof (a 'receipt' message) with a party's key. */
export function receiptSignature(signer: Party, message: CanonicalValue, onChain = chainId): string {
  return toHex(signMessage(signer.seed, 'receipt', onChain, canonicalBytes(message)));
}

/** The cast most module tests share: Alice (a second key for rotation, a guardian), her pseudonym, St
 * Mary's physician and Riverside's nurse. Each module's fixtures enrol those it needs. */
export const alice = party('alice');
export const aliceNextKey = party('alice, second key');
export const guardian = party('alice guardian');
export const alicePseudonym = patientPseudonym(alice.key);
export const doctor = party('dr st-mary');
export const nurse = party('nurse riverside');

export const hospitalAdmin = party('st-mary admin');
export const hospitalNode = party('st-mary node');
export const clinicAdmin = party('riverside admin');
export const validator = party('validator');

export function testGenesis(app: CanonicalValue = defaultApp()): Genesis {
  return {
    chainId,
    genesisTimeMs: GENESIS_TIME_MS,
    validators: [{ publicKey: validator.key, power: 1, name: 'v' }],
    app,
  };
}

/** A genesis organisation: who administers it and the keys of the nodes it runs. */
export function genesisOrg(id: string, name: string, type: string, admin: Party, nodes: readonly Party[]) {
  return { id, name, type, adminKey: admin.key, nodeKeys: nodes.map((n) => n.key) };
}

/** St Mary Hospital, which runs a node; the test chains' custodian. */
export const stMaryOrg = () =>
  genesisOrg('st-mary', 'St Mary Hospital', 'hospital', hospitalAdmin, [hospitalNode]);

export function defaultApp(): CanonicalValue {
  return {
    membership: {
      organisations: [stMaryOrg(), genesisOrg('riverside', 'Riverside Clinic', 'clinic', clinicAdmin, [])],
    },
  };
}

/** Applies `tx` with `executor`: 'accepted', or the code of the TxError that refused it. */
export function applyOutcome(executor: BlockExecutor, tx: SignedTx): string {
  try {
    executor.apply(tx, txHash(tx));
    return 'accepted';
  } catch (err) {
    assert.ok(err instanceof TxError);
    return err.code;
  }
}

/** "ok", or the refusal as "code" / "code:reason", e.g. "tx.rejected:membership.not_admin". */
export type Outcome = string;

export class TestChain {
  private readonly committed = new Map<string, string>();
  private executor!: BlockExecutor;
  height = 0;
  lastTxHash = '';
  /** Time skipped by advance(), added to every block opened after it. */
  private skippedMs = 0;

  constructor(genesis: Genesis = testGenesis()) {
    for (const [k, v] of executeGenesis(genesis, genesisHash(genesis)).writes) {
      if (v !== null) this.committed.set(k, v);
    }
    this.begin();
  }

  private begin(): void {
    this.height++;
    const base: StateReader = { get: (k) => this.committed.get(k) };
    const timeMs = this.timeMs;
    this.executor = new BlockExecutor(base, { chainId, height: this.height, timeMs });
  }

  /** The state as this block's txs leave it. */
  get state(): StateReader {
    return this.executor.state;
  }

  get timeMs(): number {
    return GENESIS_TIME_MS + this.height * BLOCK_INTERVAL_MS + this.skippedMs;
  }

  /** Commits the block so far and opens the next one `ms` later than it would be (days pass in a test). */
  advance(ms: number): void {
    this.skippedMs += ms;
    this.commit();
  }

  submit(signer: Party, type: string, payload: unknown): Outcome {
    const nonce = lastNonce(this.executor.state, signer.key) + 1;
    const tx = signTx(signer.seed, { chainId, type, payload: payload as CanonicalValue, nonce });
    const before = JSON.stringify(this.executor.finish('00'.repeat(32)).writes);
    try {
      this.executor.apply(tx, txHash(tx));
      this.lastTxHash = txHash(tx);
      return 'ok';
    } catch (err) {
      if (!(err instanceof TxError)) throw err;
      assert.equal(
        JSON.stringify(this.executor.finish('00'.repeat(32)).writes),
        before,
        'a refused tx wrote',
      );
      const reason = err.details.reason;
      return typeof reason === 'string' ? `${err.code}:${reason}` : err.code;
    }
  }

  /** Commits the block so far and opens the next one. */
  commit(): void {
    for (const [k, v] of this.executor.finish('00'.repeat(32)).writes) {
      if (v === null) this.committed.delete(k);
      else this.committed.set(k, v);
    }
    this.begin();
  }

  /** Every committed key and value, e.g. to scan for what must never be on chain. */
  committedEntries(): [string, string][] {
    return [...this.committed.entries()];
  }
}

/** Registers a practitioner of orgId (by its admin), failing the test if the chain refuses. */
export function registerPractitioner(
  chain: TestChain,
  admin: Party,
  practitioner: Party,
  orgId: string,
  role: string,
): void {
  const payload = { orgId, practitionerKey: practitioner.key, role };
  assert.equal(chain.submit(admin, 'membership.registerPractitioner', payload), 'ok');
}

/** Enrols a patient and appoints a proxy who signed their acceptance, failing the test on a refusal. */
export function enrolPatientWithProxy(
  chain: TestChain,
  patient: Party,
  proxy: Party,
  relationship: ProxyRelationship = 'guardian',
): void {
  assert.equal(chain.submit(patient, 'membership.registerPatient', {}), 'ok');
  assert.equal(appointProxy(chain, patient, proxy, { relationship }), 'ok');
}

/**
 * `signer` appoints `proxy` for the patient `pseudonym` (by default the signer's own), with the proxy's
 * acceptance signed by `proofBy` (by default the proxy): the tx's outcome.
 */
export function appointProxy(
  chain: TestChain,
  signer: Party,
  proxy: Party,
  options: { relationship?: string; proofBy?: Party; pseudonym?: string } = {},
): Outcome {
  const { relationship = 'guardian', proofBy = proxy, pseudonym = patientPseudonym(signer.key) } = options;
  const acceptance = proxyAcceptanceMessage(pseudonym, proxy.key, relationship);
  const proxySignature = receiptSignature(proofBy, acceptance);
  return chain.submit(signer, 'membership.appointProxy', {
    proxyKey: proxy.key,
    relationship,
    proxySignature,
  });
}
