// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const providerRoots = ['@cdktf/provider-aws', '@cdktf/provider-kubernetes', '@cdktf/provider-helm'].map((name) => ({
  name,
  message: `Import resources by deep path (${name}/lib/<resource>): the package root costs about 6x synth time and 7x memory.`,
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdktf.out/**', '.gen/**', '.build/**', 'coverage/**', '**/*.tmp-*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...providerRoots,
            {
              name: 'cdktf',
              message: "Import cdktf symbols from constructs/core/cdktf.ts so a move to CDK Terrain stays a one-file change.",
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    // Small CommonJS helpers run directly by node (test/docs/recording-shim.cjs): no build step.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly', __dirname: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['constructs/core/cdktf.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // model/ is pure data and functions: no cdktf, no constructs, no providers.
    files: ['model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['cdktf', 'cdktf/*', 'constructs', '@cdktf/*', '../constructs/*', '../stacks/*'], message: 'model/ holds pure data: it imports no cdktf, construct or provider code.' }] },
      ],
    },
  },
);
