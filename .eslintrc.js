// The apps of the platform: apps.json is the one list (docs/adding-a-service.md).
const { apps } = require('./apps.json');

module.exports = {
  root: true,
  parser: '@typescript-eslint/parser',
  parserOptions: {
    project: 'tsconfig.json',
    tsconfigRootDir: __dirname,
    sourceType: 'module',
  },
  plugins: ['@typescript-eslint/eslint-plugin', 'import'],
  extends: ['plugin:@typescript-eslint/recommended', 'prettier'],
  env: { node: true, jest: true },
  settings: {
    'import/resolver': { typescript: { project: 'tsconfig.json' } },
  },
  ignorePatterns: ['.eslintrc.js', 'jest.config.js', 'dist', 'node_modules', '.cache', 'coverage'],
  rules: {
    '@typescript-eslint/no-explicit-any': 'error',
    '@typescript-eslint/no-floating-promises': 'error',
    '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    'no-console': 'error',
    // The boundaries of ARCHITECTURE.md: an app never imports another app, and
    // libs/resilience knows nothing of the shop.
    'import/no-restricted-paths': [
      'error',
      {
        zones: [
          ...apps.map(({ name: app }) => ({
            target: `./apps/${app}`,
            from: './apps',
            except: [`./${app}`],
            message: 'An app never imports another app; share code through libs/.',
          })),
          {
            target: './libs',
            from: './apps',
            message: 'Libraries never import apps.',
          },
          {
            target: './libs/resilience',
            from: './libs',
            except: ['./resilience'],
            message: 'libs/resilience is publishable on its own: it imports no other lib.',
          },
        ],
      },
    ],
  },
  overrides: [
    {
      files: ['bench/**/*.ts', 'scripts/**/*.ts'],
      rules: { 'no-console': 'off' },
    },
  ],
};
