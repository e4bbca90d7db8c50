import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '**/drizzle/meta', '**/coverage'] },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          // the chart tests hold the dev gateway's route table to the rendered VirtualServices
          allow: ['@one-data/dev-gateway'],
          depConstraints: [
            // Layers: a service may use its own layer and shared platform code, never another layer's app internals.
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:data', onlyDependOnLibsWithTags: ['scope:data', 'scope:shared'] },
            { sourceTag: 'scope:model', onlyDependOnLibsWithTags: ['scope:model', 'scope:shared'] },
            {
              sourceTag: 'scope:agent',
              // agent services call the model and data layers through their published contracts only
              onlyDependOnLibsWithTags: ['scope:agent', 'scope:shared', 'type:contracts'],
            },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:tools', 'scope:shared', 'type:app', 'type:contracts'] },
            // Kinds: apps are leaves; contracts depend on nothing but platform code.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:app'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
