// `npm run bench:genomics` (node --import tsx bench/genomics.bench.ts): Beacon v2 /g_variants at one
// custodian (a real `carechain node` process, SQLite, real HTTP), issue 19's target being p99 ≤ 50 ms with
// 100 genomes of 100k variants each (--genomes, --variants). Staff upload single-sample VCFs on GRCh38
// chr19 (seeded, sorted, heterozygous SNVs drawn from a shared pool of sites so queries hit); then
// closed-loop researchers with GA4GH Passports ask count queries for pool sites. Every answer has first
// committed its spend against the researcher's budget: the latency includes that commit. Each client
// rotates over its own Passport identities, so no budget runs out during the run.
//
// Set-up (--uploaded N, default 200): each genome's first N variants go through the real upload (VCF
// parsed, VRS ids, Crypt4GH container, commitment registered on chain); the rest of its variants are
// written straight into the custodian's index (genomics.sqlite, keyed as custody.ts keys them), because
// the upload takes over 20 s per 100k-variant genome on a loaded 2-core machine and 100 of them would
// take most of an hour. The index and its queries are the same; the container and the on-chain variant
// count hold only the uploaded part. --range BASES asks range queries of that span instead of sequences.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import Database from 'better-sqlite3';
import { alleleFromVcf, alleleId } from '../src/app/genomics/vrs/allele.ts';
import { GRCH38_REFGET } from '../src/app/genomics/vrs/grch38.ts';
import { toHex, utf8 } from '../src/core/bytes.ts';
import { hmacSha256 } from '../src/core/crypto/index.ts';
import { readKeyFile } from '../src/node/keys.ts';
import { DEFAULT_COMMIT_PAUSE_MS } from '../src/node/network.ts';
import { patientPseudonym } from '../src/app/membership/pseudonym.ts';
import { generateKeyPair } from '../src/node/keys.ts';
import { passportWorld } from '../src/services/genomics/passport-fixtures.ts';
import { startNetwork, staffClient } from '../test/harness/network.ts';
import { closedLoop, loadOptions, numberOption } from './lib/load.ts';

const { concurrency, durationMs, warmupMs } = loadOptions({ concurrency: 8, seconds: 15, warmup: 3 });
const genomes = numberOption('genomes', 100);
const variantsPerGenome = numberOption('variants', 100_000);
const identitiesPerClient = numberOption('identities', 50);
const uploadedPerGenome = Math.min(numberOption('uploaded', 200), variantsPerGenome);
const rangeBases = numberOption('range', 0);
/** node.json's consensus.commitPauseMs for the custodian (--commit-pause MS); the node's default if absent. */
const commitPauseOption = numberOption('commit-pause', -1);
const commitPauseMs = commitPauseOption < 0 ? undefined : commitPauseOption;
const CHR19 = GRCH38_REFGET.get('19')!;
const POOL = Math.max(variantsPerGenome * 2, 1000);
const BASES = ['A', 'C', 'G', 'T'];

/** xorshift32: the same genomes on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Pool site i: a chr19 position and its REF/ALT, spread over the chromosome, sorted by position. */
const site = (i: number) => {
  const pos = 100_000 + i * 29;
  const ref = BASES[i % 4]!;
  return { pos, ref, alt: BASES[(i + 1 + (i % 3)) % 4]! };
};

/** Genome n's pool sites, sorted: the same on every run. */
function genomeSites(n: number): number[] {
  const random = rng(n + 19);
  const picked = new Set<number>();
  while (picked.size < variantsPerGenome) picked.add(Math.floor(random() * POOL));
  return [...picked].sort((a, b) => a - b);
}

/** The VCF of genome n's first `uploadedPerGenome` sites (the rest go straight into the index). */
function genomeVcf(sites: readonly number[]): string {
  const lines = [
    '##fileformat=VCFv4.2',
    '##contig=<ID=19,length=58617616>',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1',
  ];
  for (const i of sites.slice(0, uploadedPerGenome)) {
    const { pos, ref, alt } = site(i);
    lines.push(`19\t${pos}\t.\t${ref}\t${alt}\t.\tPASS\t.\tGT\t0/1`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The node limits enrolments per client (intake.rate_limited, 429): on a quiet machine the set-up enrols
 * patients faster than that, so a refused enrolment waits the second the node asks for and tries again.
 */
async function pacedByEnrolmentLimit<T>(enrol: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await enrol();
    } catch (err) {
      if (attempt >= 30 || !String(err).includes('intake.rate_limited')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

console.log(
  `carechain genomics bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
);
console.log(
  `1 custodian, ${genomes} genomes × ${variantsPerGenome} variants, ${concurrency} closed-loop researchers, ${durationMs / 1000} s after ${warmupMs / 1000} s warm-up\n`,
);
const passports = await passportWorld(Math.floor(Date.now() / 1000) - 60);
const trust = {
  brokers: Object.fromEntries(passports.trust.brokers),
  visaIssuers: Object.fromEntries(passports.trust.visaIssuers),
  controlledAccessResource: passports.trust.controlledAccessResource,
};
const net = await startNetwork(
  'carechain-bench-genomics-',
  ['hospital'],
  'carechain-genomics-bench',
  undefined,
  // A common allele's price: a query costs a thousandth of a bit or so, the run measures latency.
  {
    genomics: { pricingAlleleFrequency: 0.99, passportTrust: trust },
    ...(commitPauseMs === undefined ? {} : { consensus: { commitPauseMs } }),
  },
);
const url = net.url('hospital');
try {
  const staff = await net.registerStaff('hospital', 'physician');
  const uploadStart = performance.now();
  const uploaded: { datasetId: string; sites: number[] }[] = [];
  for (let n = 0; n < genomes; n++) {
    const sites = genomeSites(n);
    const patient = generateKeyPair();
    await pacedByEnrolmentLimit(() => net.registerPatient('hospital', patient));
    await net.commit(url, patient, 'genomics.consentResearch', {
      dataUse: { permission: { code: 'GRU' }, modifiers: [] },
    });
    const answer = await staffClient(staff).post('/api/v1/genomics/genomes', {
      patient: patientPseudonym(patient.publicKey),
      vcf: genomeVcf(sites),
      dataUse: { permission: { code: 'GRU' }, modifiers: [] },
    });
    if (answer.status !== 200) throw new Error(`upload ${n}: ${JSON.stringify(answer.body)}`);
    uploaded.push({ datasetId: (answer.body as { datasetId: string }).datasetId, sites });
    process.stdout.write(`\ruploaded ${n + 1}/${genomes} genomes`);
  }
  const uploadSeconds = (performance.now() - uploadStart) / 1000;
  console.log(` in ${uploadSeconds.toFixed(0)} s`);
  const indexStart = performance.now();
  const indexed = fillIndex(net.dir('hospital'), uploaded);
  const indexSeconds = (performance.now() - indexStart) / 1000;
  console.log(`indexed ${indexed} more variants directly in ${indexSeconds.toFixed(0)} s`);

  const tokens: string[][] = [];
  for (let c = 0; c < concurrency; c++) {
    const own: string[] = [];
    for (let k = 0; k < identitiesPerClient; k++) own.push(await passports.passport(`bench-${c}-${k}`, []));
    tokens.push(own);
  }
  const query = await closedLoop(concurrency, warmupMs, durationMs, async (c, i) => {
    const { pos, ref, alt } = site(Math.floor(rng(c * 100_003 + i)() * POOL));
    const variant =
      rangeBases > 0
        ? `start=${pos - 1}&end=${pos - 1 + rangeBases}`
        : `start=${pos - 1}&referenceBases=${ref}&alternateBases=${alt}`;
    const params = `referenceName=19&${variant}&requestedGranularity=count`;
    const response = await fetch(`${url}/beacon/v2/g_variants?${params}`, {
      headers: { 'ga4gh-passport': tokens[c]![i % identitiesPerClient]! },
    });
    await response.arrayBuffer();
    return response.ok;
  });
  console.log(
    `GET /g_variants (${rangeBases > 0 ? `${rangeBases}-base ranges` : 'sequences'}, count, committed spend)  ${query.perSecond.toFixed(0)} req/s   p50 ${query.p50Ms.toFixed(1)} ms   p99 ${query.p99Ms.toFixed(1)} ms   (${query.completed} ok, ${query.failed} failed)`,
  );
  console.log(
    JSON.stringify({
      bench: 'genomics',
      node: process.version,
      genomes,
      variantsPerGenome,
      concurrency,
      commitPauseMs: commitPauseMs ?? DEFAULT_COMMIT_PAUSE_MS,
      seconds: durationMs / 1000,
      uploadedPerGenome,
      rangeBases,
      uploadSeconds: Math.round(uploadSeconds),
      indexSeconds: Math.round(indexSeconds),
      gVariantsPerSec: Math.round(query.perSecond),
      gVariantsP50Ms: +query.p50Ms.toFixed(1),
      gVariantsP99Ms: +query.p99Ms.toFixed(1),
      failed: query.failed,
    }),
  );
} finally {
  await net.stop();
}

/**
 * Writes each genome's sites past the uploaded ones into the custodian's index, as custody.ts would have:
 * the key is an HMAC of the VRS id under the node's index key (ledger.ts derivedKey('variant-index')).
 * SQLite in WAL mode lets this process write while the node runs; the node reads the rows at its next query.
 */
function fillIndex(
  nodeDir: string,
  genomesUploaded: readonly { datasetId: string; sites: number[] }[],
): number {
  const seed = readKeyFile(join(nodeDir, 'node-key.json')).seed;
  const indexKey = hmacSha256(seed, utf8('carechain/v1/genomics/variant-index'));
  const keys = new Map<number, string>();
  const keyOf = (i: number) => {
    let key = keys.get(i);
    if (key === undefined) {
      const { pos, ref, alt } = site(i);
      key = toHex(hmacSha256(indexKey, utf8(alleleId(alleleFromVcf(CHR19, pos, ref, alt)))));
      keys.set(i, key);
    }
    return key;
  };
  const db = new Database(findFile(nodeDir, 'genomics.sqlite'));
  db.pragma('busy_timeout = 30000');
  // A big page cache: the inserts land all over the key index (HMAC order).
  db.pragma('cache_size = -262144');
  const insert = db.prepare(
    'INSERT OR IGNORE INTO genomics_variants (variant_key, dataset_id, accession, start_pos, end_pos) VALUES (?, ?, ?, ?, ?)',
  );
  let rows = 0;
  for (const { datasetId, sites } of genomesUploaded) {
    db.transaction(() => {
      for (const i of sites.slice(uploadedPerGenome)) {
        const { pos } = site(i);
        insert.run(keyOf(i), datasetId, CHR19, pos - 1, pos);
        rows += 1;
      }
    })();
    // Minutes of work at full size: say how far it is, a genome at a time.
    process.stdout.write(`\rindexed ${rows} variants directly`);
  }
  process.stdout.write('\n');
  db.close();
  return rows;
}

function findFile(dir: string, name: string): string {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return path;
    if (entry.isDirectory()) {
      try {
        return findFile(path, name);
      } catch {
        // not under this folder
      }
    }
  }
  throw new Error(`no ${name} under ${dir}`);
}
