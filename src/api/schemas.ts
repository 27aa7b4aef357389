// JSON schemas shared by the ledger routes. A response schema is also a whitelist: Fastify serialises
// only the properties named here, so nothing unlisted can leak into an answer.
export const hex32 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
export const hex64 = { type: 'string', pattern: '^[0-9a-f]{128}$' } as const;

export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

export const commitSchema = {
  type: 'object',
  properties: {
    height: { type: 'integer' },
    round: { type: 'integer' },
    blockHash: hex32,
    signatures: {
      type: 'array',
      items: {
        type: 'object',
        properties: { validator: hex32, timeMs: { type: 'integer' }, signature: hex64 },
      },
    },
  },
} as const;

export const headerSchema = {
  type: 'object',
  properties: {
    chainId: { type: 'string' },
    height: { type: 'integer' },
    timeMs: { type: 'integer' },
    previousHash: hex32,
    lastCommitHash: hex32,
    txRoot: hex32,
    txCount: { type: 'integer' },
    appHash: hex32,
    validatorSetHash: hex32,
    proposer: hex32,
    logSize: { type: 'integer' },
    logRoot: hex32,
  },
} as const;

export const txSchema = {
  type: 'object',
  properties: {
    chainId: { type: 'string' },
    type: { type: 'string' },
    payload: {},
    signer: hex32,
    nonce: { type: 'integer' },
    signature: hex64,
  },
} as const;

export const checkpointSchema = {
  type: 'object',
  properties: {
    chainId: { type: 'string' },
    height: { type: 'integer' },
    logSize: { type: 'integer' },
    logRoot: hex32,
    blockHash: hex32,
    header: headerSchema,
    commit: commitSchema,
  },
} as const;
