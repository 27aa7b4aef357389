// GRCh38's primary assembly chromosomes as GA4GH refget accessions (sha512t24u of each sequence, as
// SeqRepo and vrs-python name them), keyed by the VCF contig names custodians write (`19` and `chr19`).
// A VCF's variants are identified on these; a contig not listed (alts, decoys, MT) is not identified.
const ACCESSIONS: readonly (readonly [string, string])[] = [
  ['1', 'SQ.Ya6Rs7DHhDeg7YaOSg1EoNi3U_nQ9SvO'],
  ['2', 'SQ.pnAqCRBrTsUoBghSD1yp_jXWSmlbdh4g'],
  ['3', 'SQ.Zu7h9AggXxhTaGVsy7h_EZSChSZGcmgX'],
  ['4', 'SQ.HxuclGHh0XCDuF8x6yQrpHUBL7ZntAHc'],
  ['5', 'SQ.aUiQCzCPZ2d0csHbMSbh2NzInhonSXwI'],
  ['6', 'SQ.0iKlIQk2oZLoeOG9P1riRU6hvL5Ux8TV'],
  ['7', 'SQ.F-LrLMe1SRpfUZHkQmvkVKFEGaoDeHul'],
  ['8', 'SQ.209Z7zJ-mFypBEWLk4rNC6S_OxY5p7bs'],
  ['9', 'SQ.KEO-4XBcm1cxeo_DIQ8_ofqGUkp4iZhI'],
  ['10', 'SQ.ss8r_wB0-b9r44TQTMmVTI92884QvBiB'],
  ['11', 'SQ.2NkFm8HK88MqeNkCgj78KidCAXgnsfV1'],
  ['12', 'SQ.6wlJpONE3oNb4D69ULmEXhqyDZ4vwNfl'],
  ['13', 'SQ._0wi-qoDrvram155UmcSC-zA5ZK4fpLT'],
  ['14', 'SQ.eK4D2MosgK_ivBkgi6FVPg5UXs1bYESm'],
  ['15', 'SQ.AsXvWL1-2i5U_buw6_niVIxD6zTbAuS6'],
  ['16', 'SQ.yC_0RBj3fgBlvgyAuycbzdubtLxq-rE0'],
  ['17', 'SQ.dLZ15tNO1Ur0IcGjwc3Sdi_0A6Yf4zm7'],
  ['18', 'SQ.vWwFhJ5lQDMhh-czg06YtlWqu0lvFAZV'],
  ['19', 'SQ.IIB53T8CNeJJdUqzn9V_JnRtQadwWCbl'],
  ['20', 'SQ.-A1QmD_MatoqxvgVxBLZTONHz9-c7nQo'],
  ['21', 'SQ.5ZUqxCmDDgN4xTRbaSjN8LwgZironmB8'],
  ['22', 'SQ.7B7SHsmchAR0dFcDCuSFjJAo7tX87krQ'],
  ['X', 'SQ.w0WZEvgJF0zf_P4yyTzjjv9oW1z61HHP'],
  ['Y', 'SQ.8_liLu1aycC0tPQPFmUaGXJLDs5SbPZ5'],
];

/** Contig name (`19`, `chr19`, `X`, `chrX`) → refget accession on GRCh38. */
export const GRCH38_REFGET: ReadonlyMap<string, string> = new Map(
  ACCESSIONS.flatMap(([name, accession]) => [
    [name, accession],
    [`chr${name}`, accession],
  ]),
);
