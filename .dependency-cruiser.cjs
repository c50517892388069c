/**
 * The import rules `npm test` checks (`npm run lint:deps`; CONTRIBUTING.md, "Layers"). A rule that
 * fails names the file and the import. Type-only imports count too, except where a rule says so.
 */
const WORKFLOW_MODULES = '^functions/workflows/modules/';

module.exports = {
  forbidden: [
    {
      name: 'trusted-code-never-imports-workflow-modules',
      comment: 'Workflow modules run only in their own runner (docs/security.md): trusted code reads the generated manifest (functions/workflows/manifest.ts) instead.',
      severity: 'error',
      from: { path: '^(functions|lib|bin|local)/', pathNot: ['^functions/workflows/modules/', '^functions/lambdas/runners/'] },
      to: { path: WORKFLOW_MODULES },
    },
    {
      name: 'a-runner-holds-only-its-own-module',
      comment: "A workflow's runner entry imports its own module and no other workflow's.",
      severity: 'error',
      from: { path: '^functions/lambdas/runners/([^/]+)[.]ts$' },
      to: { path: WORKFLOW_MODULES, pathNot: '^functions/workflows/modules/$1([.]ts$|/)' },
    },
    {
      name: 'workflow-modules-do-not-import-each-other',
      severity: 'error',
      comment: 'Each module is bundled alone into its runner; its own helpers live in modules/<name>/.',
      from: { path: '^functions/workflows/modules/([^/.]+)([.]ts$|/)' },
      to: { path: WORKFLOW_MODULES, pathNot: '^functions/workflows/modules/$1([.]ts$|/)' },
    },
    {
      name: 'workflow-code-reaches-no-gateway-state',
      comment:
        'Workflow modules and their runner code import no store, session service, configuration, secret or middleware: in AWS the runner has none of them anyway, and importing them only puts trusted code in an untrusted bundle.',
      severity: 'error',
      from: { path: ['^functions/workflows/modules/', '^functions/workflows/runner/', '^functions/lambdas/runners/'] },
      to: {
        path: ['^functions/(adapters|wiring|sessions|group|monitor|maintenance|permissions|events|ui-api|openapi|lambdas/(?!runners/))'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'kernel-imports-only-kernel',
      comment: 'The shared kernel (errors, HTTP helpers, logger, validation) is a leaf: it imports nothing of the features.',
      severity: 'error',
      from: { path: '^functions/kernel/' },
      to: { path: '^functions/', pathNot: '^functions/kernel/' },
    },
    {
      name: 'domain-imports-only-domain',
      comment: "A feature's domain/ holds its rules as plain TypeScript: it imports other domain code and the kernel, nothing else of ours.",
      severity: 'error',
      from: { path: '^functions/[^/]+/domain/' },
      to: { path: '^functions/', pathNot: ['^functions/[^/]+/domain/', '^functions/kernel/'] },
    },
    {
      name: 'adapters-import-only-ports-and-domain',
      comment: 'An adapter implements a port: it imports the port it implements, domain types, the kernel and other adapters, never a use case.',
      severity: 'error',
      from: { path: '^functions/adapters/' },
      to: { path: '^functions/', pathNot: ['^functions/adapters/', '^functions/kernel/', '^functions/[^/]+/domain/', '^functions/[^/]+/ports[.]ts$'] },
    },
    {
      name: 'features-use-ports-not-adapters',
      comment: 'Use cases are typed on ports; only the wiring (and the entries) build and name adapters.',
      severity: 'error',
      from: { path: '^functions/', pathNot: ['^functions/(wiring|lambdas|adapters)/', '^functions/workflows/modules/'] },
      to: { path: '^functions/adapters/' },
    },
    {
      // The simulator, the local runtime and the scripts (their test-only hooks included) never reach a bundle or the stack.
      name: 'deployed-code-never-imports-local-tooling',
      severity: 'error',
      from: { path: '^(functions|lib)/' },
      to: { path: '^(local|bin|bench)/' },
    },
    {
      name: 'nothing-outside-test-imports-test',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^ui/', '^cdk[.]out', '^coverage/', '^node_modules/', '^test/[.]scratch'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
