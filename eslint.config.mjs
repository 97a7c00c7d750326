// Lint: typescript-eslint's recommended rules plus the import boundaries between runtimes
// (CONTRIBUTING.md, "Who may import what"). The tsconfig of each folder already hides the wrong
// globals; these rules also catch imports the compiler would happily resolve.
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'crypto',
  'util',
  'url',
  'stream',
  'events',
  'worker_threads',
];

/** What no core module may import (see the core block below). */
const coreRules = [
  [['vscode'], 'The core never touches the VS Code API.'],
  [nodeBuiltins, 'The core runs in browsers and workers too: no Node APIs. Take bytes, not paths.'],
  [
    ['**/extension/**', '**/webview/**', '**/nodeWorker/**', '**/cli/**', '**/node/**'],
    'The core does not import from entry points.',
  ],
  [['@tensorflow/tfjs-backend-*'], 'Entry points register backends; the core only uses tfjs-core.'],
  [['vega*'], 'Charts in the core are plain spec builders.'],
];

/** `no-restricted-imports` patterns: each entry a group of forbidden specifiers and why. */
const forbid = (...groups) => ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      'test-host/**',
      'test-output/**',
      '.superposition-lab/**',
      '.scratch/**',
      'bench/gpu/.gpu/**',
      'bench/gpu/.gl/**',
      'examples/**/results/**',
      'examples/checkpoints/**',
      '**/*.d.ts',
    ],
  },
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      curly: ['error', 'multi-line'],
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Tool configs (eslint, vitest) must default-export; product code uses named exports only.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(...coreRules),
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'self', 'process', 'Buffer', 'require'],
    },
  },
  {
    // Layers inside the core: configs (what to run) sit below the toy model (how it trains), which
    // reads their types; a config module importing toy/ would make a cycle.
    files: ['src/core/config/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(...coreRules, [
        ['../toy/*', '**/core/toy/**'],
        'core/config is below core/toy: move what both need into config.',
      ]),
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', disallowTypeAnnotations: true },
      ],
    },
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [
          ['@tensorflow/*'],
          'Compute runs in the Node compute worker (src/nodeWorker), not on the extension host thread.',
        ],
        [['vega*'], 'Charts render in webviews.'],
        [
          ['**/webview/**', '**/nodeWorker/**', '**/cli/**'],
          'The extension host does not import webview, compute worker or CLI code.',
        ],
      ),
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['vscode'], 'Webviews talk to the host by messages only.'],
        [nodeBuiltins, 'Webviews run in a browser.'],
        [['@tensorflow/*'], 'Pages only draw: compute runs in the extension host.'],
        [
          ['**/extension/**', '**/nodeWorker/**', '**/cli/**', '**/node/**'],
          'Webviews import only core, shared and webview code.',
        ],
      ),
    },
  },
  {
    files: ['src/nodeWorker/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['vscode'], 'The Node compute worker talks to its host by messages only.'],
        [['vega*'], 'The worker computes; hosts and pages draw.'],
        [['@tensorflow/tfjs-backend-webgl'], 'WebGL exists only in browsers; Node has WebGPU through Dawn.'],
        [['**/extension/**', '**/webview/**', '**/cli/**'], 'Only core, shared and node helpers.'],
      ),
    },
  },
  {
    files: ['src/cli/**/*.ts', 'src/node/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['vscode'], 'The CLI runs without VS Code.'],
        [
          ['vega-embed*', '@tensorflow/tfjs-backend-web*'],
          'The CLI computes on the CPU and prints; no browser packages (vega and vega-lite only draw report.html as SVG).',
        ],
        [['**/extension/**', '**/webview/**', '**/nodeWorker/**'], 'Only core, shared and node helpers.'],
      ),
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
);
