import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/coverage/**', '**/.turbo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // The demo and the conformance command are programs: printing is their job.
    files: ['tooling/**', 'packages/conformance/src/cli.ts', 'packages/conformance/src/cli/**'],
    rules: { 'no-console': 'off' },
  },
);
