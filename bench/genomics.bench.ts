// `node --import tsx bench/genomics.bench.ts` (no npm script yet: package.json is the lead's): Beacon v2 /g_variants at one
// custodian (a real `carechain node` process, SQLite, real HTTP), issue 19's target being p99 ≤ 50 ms with
// 100 genomes of 100k variants each (--genomes, --variants). Staff upload single-sample VCFs on GRCh38
// chr19 (seeded, sorted, heterozygous SNVs drawn from a shared pool of sites so queries hit); then
// closed-loop researchers with GA4GH Passports ask count queries for pool sites. Every answer has first
// committed its spend against the researcher's budget: the latency includes that commit. Each client
// rotates over its own Passport identities, so no budget runs out during the run.
import { cpus } from 'node:os';
import { patientPseudonym } from '../src/app/membership/pseudonym.ts';
import { generateKeyPair } from '../src/node/keys.ts';
import { passportWorld } from '../src/services/genomics/passport-fixtures.ts';
import { startNetwork, staffClient } from '../test/harness/network.ts';
import { closedLoop, loadOptions, numberOption } from './lib/load.ts';

const { concurrency, durationMs, warmupMs } = loadOptions({ concurrency: 8, seconds: 15, warmup: 3 });
const genomes = numberOption('genomes', 100);
const variantsPerGenome = numberOption('variants', 100_000);
const identitiesPerClient = numberOption('identities', 50);
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

function genomeVcf(n: number): string {
  const random = rng(n + 19);
  const picked = new Set<number>();
  while (picked.size < variantsPerGenome) picked.add(Math.floor(random() * POOL));
  const lines = [
    '##fileformat=VCFv4.2',
    '##contig=<ID=19,length=58617616>',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1',
  ];
  for (const i of [...picked].sort((a, b) => a - b)) {
    const { pos, ref, alt } = site(i);
    lines.push(`19\t${pos}\t.\t${ref}\t${alt}\t.\tPASS\t.\tGT\t0/1`);
  }
  return `${lines.join('\n')}\n`;
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
  { genomics: { pricingAlleleFrequency: 0.99, passportTrust: trust } },
);
const url = net.url('hospital');
try {
  const staff = await net.registerStaff('hospital', 'physician');
  const uploadStart = performance.now();
  for (let n = 0; n < genomes; n++) {
    const patient = generateKeyPair();
    await net.registerPatient('hospital', patient);
    await net.commit(url, patient, 'genomics.consentResearch', {
      dataUse: { permission: { code: 'GRU' }, modifiers: [] },
    });
    const answer = await staffClient(staff).post('/api/v1/genomics/genomes', {
      patient: patientPseudonym(patient.publicKey),
      vcf: genomeVcf(n),
      dataUse: { permission: { code: 'GRU' }, modifiers: [] },
    });
    if (answer.status !== 200) throw new Error(`upload ${n}: ${JSON.stringify(answer.body)}`);
    process.stdout.write(`\ruploaded ${n + 1}/${genomes} genomes`);
  }
  const uploadSeconds = (performance.now() - uploadStart) / 1000;
  console.log(` in ${uploadSeconds.toFixed(0)} s`);

  const tokens: string[][] = [];
  for (let c = 0; c < concurrency; c++) {
    const own: string[] = [];
    for (let k = 0; k < identitiesPerClient; k++) own.push(await passports.passport(`bench-${c}-${k}`, []));
    tokens.push(own);
  }
  const query = await closedLoop(concurrency, warmupMs, durationMs, async (c, i) => {
    const { pos, ref, alt } = site(Math.floor(rng(c * 100_003 + i)() * POOL));
    const params = `referenceName=19&start=${pos - 1}&referenceBases=${ref}&alternateBases=${alt}&requestedGranularity=count`;
    const response = await fetch(`${url}/beacon/v2/g_variants?${params}`, {
      headers: { 'ga4gh-passport': tokens[c]![i % identitiesPerClient]! },
    });
    await response.arrayBuffer();
    return response.ok;
  });
  console.log(
    `GET /g_variants (count, committed spend)  ${query.perSecond.toFixed(0)} req/s   p50 ${query.p50Ms.toFixed(1)} ms   p99 ${query.p99Ms.toFixed(1)} ms   (${query.completed} ok, ${query.failed} failed)`,
  );
  console.log(
    JSON.stringify({
      bench: 'genomics',
      node: process.version,
      genomes,
      variantsPerGenome,
      concurrency,
      seconds: durationMs / 1000,
      uploadSeconds: Math.round(uploadSeconds),
      gVariantsPerSec: Math.round(query.perSecond),
      gVariantsP50Ms: +query.p50Ms.toFixed(1),
      gVariantsP99Ms: +query.p99Ms.toFixed(1),
      failed: query.failed,
    }),
  );
} finally {
  await net.stop();
}
