// A custodian keeps a patient's genome (issue 19 §1–§2): the VCF (plain or bgzipped) is validated, its
// variants named by VRS id, the file sealed as a Crypt4GH container for the custodian's own key, and the
// genome registered on chain as a salted commitment with the dataset's DUO terms. Only once that is final
// are the container and the beacon's index stored, so a refused registration leaves nothing behind.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { commitDataset, VARIANT_SALT_BYTES } from '../../app/genomics/commitment.ts';
import type { DataUse } from '../../app/genomics/duo/codes.ts';
import { readVariants, type SampleVariants } from '../../app/genomics/vcf/read.ts';
import { GRCH38_REFGET } from '../../app/genomics/vrs/grch38.ts';
import { actorOf } from '../../app/membership/queries.ts';
import { fromUtf8, toHex, utf8 } from '../../core/bytes.ts';
import type { CanonicalValue } from '../../core/canonical.ts';
import { hmacSha256 } from '../../core/crypto/index.ts';
import type { Clock, RandomBytes } from '../../node/env.ts';
import { GenomeStore } from '../../node/genomics/genome-store.ts';
import {
  crypt4ghPublicKey,
  crypt4ghSegments,
  reencryptCrypt4ghHeader,
  writeCrypt4gh,
} from '../../node/vault/crypt4gh.ts';
import type { Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';
import type { GenomicsLedger } from './ledger.ts';

/** The largest VCF accepted, decompressed (a 100k-variant single-sample file is a few MiB). */
export const VCF_BYTES_MAX = 64 * 1024 * 1024;

export interface GenomeUpload {
  readonly patient: string;
  /** The VCF's bytes: text, or bgzip/gzip (detected by the gzip magic). */
  readonly vcf: Uint8Array;
  readonly dataUse: DataUse;
}

export interface GenomeRegistered {
  readonly datasetId: string;
  readonly txHash: string;
  readonly height: number;
  readonly root: string;
  readonly variantCount: number;
}

export interface GenomicsDependencies {
  readonly ledger: GenomicsLedger;
  readonly store: GenomeStore;
  readonly clock: Clock;
  readonly randomBytes: RandomBytes;
}

function vcfText(bytes: Uint8Array): string {
  const gzipped = bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  try {
    const raw = gzipped ? new Uint8Array(gunzipSync(bytes, { maxOutputLength: VCF_BYTES_MAX })) : bytes;
    if (raw.length > VCF_BYTES_MAX) throw new Error('too large');
    return fromUtf8(raw);
  } catch {
    throw new ServiceError('genomics.invalid_vcf', 'the file is not a VCF this node can read');
  }
}

export class GenomeCustody {
  private readonly deps: GenomicsDependencies;
  /** X25519 secret of the custodian's Crypt4GH key and the variant index's HMAC key (node-derived). */
  private readonly containerSecret: Uint8Array;
  private readonly indexKey: Uint8Array;

  constructor(deps: GenomicsDependencies) {
    this.deps = deps;
    this.containerSecret = deps.ledger.derivedKey('crypt4gh-custodian');
    this.indexKey = deps.ledger.derivedKey('variant-index');
  }

  /** The key under which the beacon's index names a variant (never the VRS id itself). */
  variantKey(vrsId: string): string {
    return toHex(hmacSha256(this.indexKey, utf8(vrsId)));
  }

  /** The custodian's Crypt4GH public key: what a header is re-encrypted from when a researcher is granted. */
  get containerPublicKey(): Uint8Array {
    return crypt4ghPublicKey(this.containerSecret);
  }

  /**
   * The container with its header re-encrypted for `readers` only (Crypt4GH §1): the data segments, and
   * so the custodian's recorded SHA-256 of them, are unchanged.
   */
  containerFor(container: Uint8Array, readers: readonly Uint8Array[]): Uint8Array {
    return reencryptCrypt4ghHeader(container, this.containerSecret, readers);
  }

  /** Staff of this node's own organisation, who upload for its patients. */
  staffOrg(caller: Caller): string {
    const node = actorOf(this.deps.ledger.node.ledger.state, this.deps.ledger.node.key.publicKey);
    if (caller.kind !== 'practitioner' || node.kind !== 'node' || caller.orgId !== node.orgId) {
      throw new ServiceError('genomics.not_staff', 'only staff of this custodian may upload a genome');
    }
    return caller.orgId;
  }

  async upload(caller: Caller, upload: GenomeUpload): Promise<GenomeRegistered> {
    this.staffOrg(caller);
    const text = vcfText(upload.vcf);
    const read = readVariants(text, GRCH38_REFGET);
    // Only the line number leaves: a reason quotes the file (a position, a genotype), and that is PHI.
    if (!read.ok) {
      throw new ServiceError('genomics.invalid_vcf', `the VCF is not valid at line ${read.line}`, {
        line: read.line,
      });
    }
    const sample = onlySample(read.samples);
    const salt = this.deps.randomBytes(VARIANT_SALT_BYTES);
    const commitment = commitDataset(salt, sample.vrsIds);
    const datasetId = toHex(this.deps.randomBytes(32));
    const container = writeCrypt4gh(utf8(text), [this.containerPublicKey]);
    const { txHash, height } = await this.deps.ledger.commit('genomics.registerDataset', {
      datasetId,
      patient: upload.patient,
      root: commitment.root,
      variantCount: commitment.variantCount,
      dataUse: upload.dataUse as unknown as CanonicalValue,
    });
    const segments = crypt4ghSegments(container, this.containerSecret);
    this.deps.store.put(
      {
        datasetId,
        patient: upload.patient,
        container,
        salt,
        segmentsSha256: createHash('sha256').update(segments).digest('hex'),
        variantCount: commitment.variantCount,
        createdAtMs: this.deps.clock.nowMs(),
      },
      sample.alleles.map((a) => ({
        key: this.variantKey(a.vrsId),
        accession: a.accession,
        start: a.start,
        end: a.end,
      })),
    );
    return { datasetId, txHash, height, root: commitment.root, variantCount: commitment.variantCount };
  }
}

/** A genome is one person's: the container keeps the whole file, so it may hold no one else's genotypes. */
function onlySample(samples: readonly SampleVariants[]): SampleVariants {
  if (samples.length !== 1) {
    throw new ServiceError('genomics.invalid_vcf', 'a genome file holds exactly one sample', {
      samples: samples.length,
    });
  }
  return samples[0]!;
}
