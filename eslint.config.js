// Lint: typescript-eslint on every source file, plus the architecture's boundaries as import
// rules, so they are kept by the tools and not by review (style.md §11).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const polyfill = { name: 'webextension-polyfill', message: 'Only src/platform/browser.ts imports the WebExtension API.' };
const zone = (patterns, message) => ({ group: patterns, message });

export default tseslint.config(
  { ignores: ['dist/**', 'dist-*/**', 'test/e2e/fixtures/previous/**', 'node_modules/**', 'test-results/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `response: void` in the message maps is the honest type of a fire-and-forget message.
      '@typescript-eslint/no-invalid-void-type': 'off',
      // Records keyed by call or nudge key are our maps; they are JSON-persisted, so not Map.
      '@typescript-eslint/no-dynamic-delete': 'off',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/platform/browser.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [polyfill] }] },
  },
  {
    // The pure core: no extension API, no other layer of the extension.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [polyfill],
          patterns: [zone(['**/platform/**', '**/page/**', '**/content/**', '**/background/**', '**/ui/**', 'preact', 'preact/*'], 'src/core is pure: it imports nothing outside src/core.')],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'chrome', 'browser', 'setTimeout', 'setInterval', 'localStorage', 'indexedDB'],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'The core gets `now` from its caller.' }],
    },
  },
  {
    // The page hook (MAIN world) has no extension API and may only use the core's plain data.
    files: ['src/page/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [polyfill], patterns: [zone(['**/platform/**', '**/content/**', '**/background/**', '**/ui/**', 'preact', 'preact/*'], 'The page hook may import only src/core.')] },
      ],
    },
  },
  {
    files: ['src/content/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { paths: [polyfill], patterns: [zone(['**/background/**', '**/page/**', '**/ui/**'], 'The content script talks to the background by messages only.')] }],
    },
  },
  {
    files: ['src/background/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [polyfill], patterns: [zone(['**/content/**', '**/page/**', '**/ui/**', 'preact', 'preact/*'], 'The background talks to pages by messages only.')] }],
    },
  },
  {
    // Extension pages and the CLI reach the background by messages (ui/shared/background-client.ts) or not at all.
    files: ['src/ui/**/*.{ts,tsx}', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [polyfill], patterns: [zone(['**/background/**'], 'src/ui and src/cli talk to the background by messages only.')] }],
    },
  },
  {
    files: ['test/**/*.{ts,tsx}', 'scripts/**/*.{js,mjs,ts}', '*.config.{js,ts}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
