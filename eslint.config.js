// ESLint flat config. Besides the usual TypeScript checks, it enforces the house rule that the pure
// layers (src/core, src/consensus, src/app) touch no clock, randomness, disk, network or environment:
// those come in as arguments from src/node, so the same code replays exactly in the simulator.
import { relative } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { resolveSpecifier, zoneViolation } from './scripts/import-zones.mjs';

const impureModules = [
  'fs',
  'fs/promises',
  'net',
  'tls',
  'dgram',
  'http',
  'https',
  'http2',
  'child_process',
  'cluster',
  'os',
  'worker_threads',
  'process',
  'timers',
  'timers/promises',
  'perf_hooks',
  'crypto',
  'better-sqlite3',
  'fastify',
  'pino',
];

/** What the browser provides to the web app's code (ESLint's no-undef is off for TypeScript anyway). */
const browserGlobals = Object.fromEntries(
  [
    'window',
    'document',
    'location',
    'history',
    'navigator',
    'localStorage',
    'fetch',
    'crypto',
    'EventSource',
    'URL',
  ].map((name) => [name, 'readonly']),
);

const pureLayerRules = {
  'no-restricted-imports': [
    'error',
    {
      paths: impureModules.flatMap((name) => [
        { name, message: 'The pure layers take IO from the node shell as arguments.' },
        { name: `node:${name}`, message: 'The pure layers take IO from the node shell as arguments.' },
      ]),
    },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'process', message: 'No process.env or process state in the pure layers.' },
    { name: 'fetch', message: 'No network in the pure layers.' },
    { name: 'setTimeout', message: 'Time is an input: return a timeout to schedule instead.' },
    { name: 'setInterval', message: 'Time is an input: return a timeout to schedule instead.' },
    { name: 'setImmediate', message: 'Time is an input.' },
    { name: 'performance', message: 'Time is an input.' },
    { name: 'crypto', message: 'Randomness is an input; hashing and signatures come from core/crypto.' },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'Time is an input: take it from the caller.' },
    { object: 'Math', property: 'random', message: 'Randomness is an input: take an Rng.' },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: 'Time is an input: take it from the caller.',
    },
  ],
};

/**
 * Import zones, one per folder (scripts/import-zones.mjs): a module may import only the layers below it.
 * Relative imports are resolved against the importing file, so `../consensus/x.ts` in src/node/consensus
 * is told apart from src/consensus.
 */
const importZones = {
  meta: { type: 'problem', schema: [], docs: { description: 'Imports point down the layers only.' } },
  create(context) {
    const root = import.meta.dirname;
    const check = (node, source, typeOnly) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
      const target = resolveSpecifier(root, context.filename, source.value);
      if (target === null) return;
      const from = relative(root, context.filename);
      const problem = zoneViolation(from, target, typeOnly);
      if (problem !== null) context.report({ node, message: `${problem}.` });
    };
    const allTypes = (node) =>
      node.importKind === 'type' ||
      node.exportKind === 'type' ||
      (node.specifiers?.length > 0 &&
        node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));
    return {
      ImportDeclaration: (node) => check(node, node.source, allTypes(node)),
      ExportNamedDeclaration: (node) => check(node, node.source, allTypes(node)),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, node.source, false),
      TSImportType: (node) => check(node, node.argument?.literal ?? node.argument, true),
    };
  },
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.carechain/**', 'dist/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's test() returns a promise the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/**/*.ts', 'web/src/**/*.ts', 'web/src/**/*.tsx'],
    plugins: { carechain: { rules: { 'import-zones': importZones } } },
    rules: { 'carechain/import-zones': 'error' },
  },
  {
    // Tests read untyped JSON from real HTTP answers; checking its shape is the assertions' job.
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/consensus/**/*.ts', 'src/app/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/core/crypto/backend-node.ts'],
    rules: pureLayerRules,
  },
  {
    // The web app (web/) runs in the browser and imports pure code only: core and the pure app modules,
    // never the node shell, the API or Node's built-ins (see web/vite.config.ts).
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    ignores: ['web/vite.config.ts'],
    languageOptions: { globals: browserGlobals },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          // Which of our folders it may import is the import-zones rule's job.
          patterns: [{ group: ['node:*'], message: 'The web app runs in the browser.' }],
          paths: impureModules.map((name) => ({ name, message: 'The web app runs in the browser.' })),
        },
      ],
    },
  },
  {
    // Above node/, the ledger is read through its methods (Ledger.state, block, tx, commit…): its store
    // and SQL port are node/'s own (issue 11: the API reached through node.ledger.store 25 times).
    files: ['src/api/**/*.ts', 'src/services/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='store'][object.property.name='ledger']",
          message: 'Read the ledger through its methods (node/ledger.ts), not its store.',
        },
      ],
    },
  },
  {
    // The one place in core allowed node:crypto: the platform hashing/signature backend (hashing and
    // Ed25519 are deterministic; key generation, which needs randomness, lives in src/node).
    files: ['src/core/crypto/backend-node.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: impureModules.filter((m) => m !== 'crypto') }],
    },
  },
);
