// Lint rules, including the import boundaries between the layers (see README, "Layers"):
// core imports neither electron nor the DOM-side renderer; renderer imports no Node module;
// electron/ and cli/ are shells that may import core but not each other.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'module',
  'url',
  'crypto',
  'http',
  'https',
  'net',
  'zlib',
  'stream',
  'util',
];

const boundary = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'samples/district/**', 'scratch/**', 'test-results/**', 'renderer/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['core/**'],
    rules: boundary([
      { group: ['electron', 'electron/*'], message: 'core is pure: it must not import electron' },
      {
        group: ['**/renderer/**', '**/electron/**', '**/cli/**', '**/samples/**'],
        message: 'core must not import the shells, the renderer or the samples',
      },
      { group: ['three', 'three/*', 'potree-core'], message: 'core must not import rendering libraries' },
    ]),
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: boundary([
      { group: nodeBuiltins, message: 'the renderer runs in a browser: no Node modules' },
      { group: ['electron', 'electron/*', 'better-sqlite3', 'laz-perf'], message: 'the renderer talks to ProjectApi only' },
      { group: ['**/electron/**', '**/cli/**'], message: 'the renderer must not import the shells' },
    ]),
  },
  {
    files: ['cli/**'],
    rules: boundary([
      {
        group: ['electron', 'electron/*', '**/electron/**', '**/renderer/**'],
        message: 'the CLI is a shell over core: no electron, no renderer',
      },
    ]),
  },
  {
    files: ['electron/**'],
    rules: boundary([
      {
        group: ['**/cli/**', '**/renderer/**'],
        message: 'the Electron shell wires core to the window; it must not import the CLI or renderer code',
      },
    ]),
  },
);
