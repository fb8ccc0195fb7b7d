// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const providerRoots = ['@cdktf/provider-aws', '@cdktf/provider-kubernetes', '@cdktf/provider-helm'].map((name) => ({
  name,
  message: `Import resources by deep path (${name}/lib/<resource>): the package root costs about 6x synth time and 7x memory.`,
}));

const PURE = 'model/ holds pure data: it imports no cdktf, construct or provider code.';

const cdktfPath = {
  name: 'cdktf',
  message: 'Import cdktf symbols from constructs/core/cdktf.ts so a move to CDK Terrain stays a one-file change.',
};

/** Relative import patterns that reach one of the blueprint's top-level folders from anywhere below the root. */
const layerImports = (folders) => folders.flatMap((f) => [`../${f}`, `../${f}/**`, `../../${f}`, `../../${f}/**`, `../../../${f}/**`]);

/** The import rules of one top-level folder: the project-wide ones plus the folders it must not import. */
const layerBoundary = (folder, forbidden, message, ignores = []) => ({
  files: [`${folder}/**/*.ts`],
  ignores,
  rules: {
    'no-restricted-imports': ['error', { paths: [...providerRoots, cdktfPath], patterns: [{ group: layerImports(forbidden), message }] }],
  },
});

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
          paths: [...providerRoots, cdktfPath],
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
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', process: 'readonly', __dirname: 'readonly', module: 'writable' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['constructs/core/cdktf.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // model/ is pure data and functions: no cdktf, no constructs, no providers, and none of the
    // layers built on it (docs/architecture.md, "Layers and boundaries").
    files: ['model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['cdktf', 'constructs'].map((name) => ({ name, message: PURE })),
          patterns: [
            { group: ['cdktf/*', '@cdktf/*'], message: PURE },
            {
              group: layerImports(['constructs', 'environments', 'stacks', 'policies', 'tools']),
              message: 'model/ is the bottom layer: it imports nothing of the blueprint outside model/.',
            },
          ],
        },
      ],
    },
  },
  // environments/ (the parsed configuration) and constructs/ (the building blocks) both build on
  // model/ and never on each other, so a construct can be used outside this app and a schema
  // rule never needs a construct loaded.
  layerBoundary(
    'environments',
    ['constructs', 'stacks'],
    'environments/ imports model/, never constructs/ or stacks/: move what both need into model/.',
  ),
  layerBoundary(
    'constructs',
    ['environments', 'stacks'],
    'constructs/ imports model/, never environments/ or stacks/: take what a construct needs as props, or move it into model/.',
    ['constructs/core/cdktf.ts'],
  ),
  {
    // What a stage decides is one table (model/stage-posture.ts), resolved into env.posture by
    // the schema; a stack that compares stages writes that decision a second time.
    files: ['stacks/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['left', 'right'].map((side) => ({
          selector: `BinaryExpression > MemberExpression.${side}[property.name='stage']`,
          message: 'Stacks read env.posture (model/stage-posture.ts) instead of comparing env.stage: add the setting to STAGE_POSTURE.',
        })),
      ],
    },
  },
);
