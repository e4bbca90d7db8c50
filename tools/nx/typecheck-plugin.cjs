// Infers a `typecheck` target (tsc --noEmit) for every project that has a tsconfig.json.
// @nx/js/typescript only infers one for TypeScript project-reference builds, which this workspace
// does not use: libraries are consumed as source through npm workspaces and bundled by esbuild.
const { dirname, join } = require('node:path');
const { existsSync } = require('node:fs');

module.exports.createNodesV2 = [
  '{apps,libs,tools}/**/tsconfig.json',
  (configFiles, _options, context) =>
    configFiles
      .filter((file) => {
        const root = dirname(file);
        return (
          existsSync(join(context.workspaceRoot, root, 'project.json')) ||
          existsSync(join(context.workspaceRoot, root, 'package.json'))
        );
      })
      .map((file) => {
        const root = dirname(file);
        return [
          file,
          {
            projects: {
              [root]: {
                targets: {
                  typecheck: {
                    command: 'tsc --noEmit -p tsconfig.json',
                    options: { cwd: root },
                    cache: true,
                    inputs: ['default', '^default', '{workspaceRoot}/tsconfig.base.json'],
                    outputs: [],
                    metadata: { description: 'Type-checks the project and the sources it imports.' },
                  },
                },
              },
            },
          },
        ];
      }),
];
