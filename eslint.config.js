import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', '.stack', '.dts', '.scratch', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The data's path is the layout's order: a stage never imports a later stage or the runtime.
    files: ['shared/**/*.ts'],
    ignores: ['shared/runtime/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/runtime/**', '**/runtime'], message: 'Only runtime/ composes adapters; stages must not import it.' },
        { group: ['**/functions/**'], message: 'shared/ never imports functions/.' },
      ] }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Only shared/runtime reads the environment.' }],
    },
  },
);
