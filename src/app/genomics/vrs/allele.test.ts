// VRS 2.x computed identifiers against published GA4GH examples: the spec's worked example
// (conventions/example: rs7412 C>T on GRCh38) and vrs-python's translator tests (ClinVar 1373966,
// 1687427 and 1264314 on GRCh38 chr13, un-normalized and normalized).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { alleleDigestBlob, alleleFromVcf, alleleId, sequenceLocationId, type Allele } from './allele.ts';
import { base64url } from './digest.ts';

const CHR19 = 'SQ.IIB53T8CNeJJdUqzn9V_JnRtQadwWCbl';
const CHR13 = 'SQ._0wi-qoDrvram155UmcSC-zA5ZK4fpLT';

test('rs7412 C>T on GRCh38 has the spec example identifier', () => {
  const allele = alleleFromVcf(CHR19, 44908822, 'C', 'T');
  assert.equal(sequenceLocationId(allele.location), 'ga4gh:SL.wIlaGykfwHIpPY2Fcxtbx4TINbbODFVz');
  assert.equal(
    alleleDigestBlob(allele),
    '{"location":"wIlaGykfwHIpPY2Fcxtbx4TINbbODFVz","state":{"sequence":"T","type":"LiteralSequenceExpression"},"type":"Allele"}',
  );
  assert.equal(alleleId(allele), 'ga4gh:VA.0AePZIWZUNsUlQTamyLrjm2HWUw2opLt');
});

test('gnomAD-style deletion, insertion and duplication match vrs-python', () => {
  const deletion = alleleFromVcf(CHR13, 20003096, 'AC', 'A');
  assert.equal(sequenceLocationId(deletion.location), 'ga4gh:SL.eI5ABJWkbKwkphNVWVRvz69apy3lbcOD');
  assert.equal(alleleId(deletion), 'ga4gh:VA.oniij0pYTpd5J8GLcjevFlXZLBQvPkZX');
  assert.equal(
    alleleId(alleleFromVcf(CHR13, 20003010, 'A', 'AG')),
    'ga4gh:VA.f-shIC8omRUmtaV-N8eHaVg_d8HMMpcf',
  );
  assert.equal(
    alleleId(alleleFromVcf(CHR13, 19993838, 'GT', 'GTGT')),
    'ga4gh:VA.7owfTeiSqoME8zr4p6IqlAu0cNs4Mvu-',
  );
});

test('normalized alleles with ReferenceLengthExpression states match vrs-python', () => {
  const at = (start: number, end: number) => ({
    type: 'SequenceLocation' as const,
    sequenceReference: { type: 'SequenceReference' as const, refgetAccession: CHR13 },
    start,
    end,
  });
  const deleted: Allele = {
    type: 'Allele',
    location: at(20003096, 20003097),
    state: { type: 'ReferenceLengthExpression', length: 0, repeatSubunitLength: 1, sequence: '' },
  };
  assert.equal(alleleId(deleted), 'ga4gh:VA.agNTkBOVZ0HQP5iWJ2GoRovSaHUCyZHN');
  const duplicated: Allele = {
    type: 'Allele',
    location: at(19993837, 19993839),
    state: { type: 'ReferenceLengthExpression', length: 4, repeatSubunitLength: 2, sequence: 'GTGT' },
  };
  assert.equal(alleleId(duplicated), 'ga4gh:VA.2Ju2sXpBNposOefRvorsmfqkAvt9tRHD');
});

test('base64url agrees with node for every length', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      assert.equal(base64url(bytes), Buffer.from(bytes).toString('base64url'));
    }),
  );
});
