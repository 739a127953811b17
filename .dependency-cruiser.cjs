/**
 * The arrows of the house, checked by `npm run lint` (dependency-cruiser):
 *   core (functions/lib/<domain>/) is pure; infra/ shares only the code-free contract with functions/;
 *   product code never imports the tools around it; only tests import test code; no cycles.
 * TypeScript is parsed with swc (the project's TypeScript 7 has no JavaScript compiler API).
 * No known violation is tolerated: every rule holds for the whole tree.
 */
const CORE = '^functions/lib/(validation|assignment|review|roster|agencies|registry|portal|profile|i18n)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment:
        'Core (functions/lib/{validation,assignment,review,roster,agencies,registry,portal,profile,i18n}) runs anywhere: no AWS SDK, ' +
        'middy, the Lambda instrumentation (lambda.ts, log.ts, tracer.ts), Lambda runtime or file system. Adapters do the I/O and hand core plain values.',
      severity: 'error',
      from: { path: CORE },
      to: {
        dependencyTypesNot: ['type-only'],
        path: [
          '(^|/)node_modules/(@aws-sdk|@smithy|@middy)/',
          '^functions/lib/(lambda|log|tracer)\\.ts$',
          '(^|/)aws-lambda(/|$)',
          '^(node:)?fs(/promises)?$',
        ],
      },
    },
    {
      name: 'core-not-to-adapters-or-handlers',
      comment:
        'Core does not reach the SDK through the back door: no SDK clients, Lambda middleware, mailer or handlers.',
      severity: 'error',
      from: { path: CORE },
      to: {
        path: [
          '^functions/lib/(aws|adapters)/',
          '^functions/lib/(lambda|tracer|mailer)\\.ts$',
          '^functions/[^/]+\\.ts$',
        ],
      },
    },
    {
      name: 'infra-only-to-contract',
      comment:
        'infra/ imports no function code: what both sides must agree on lives in functions/lib/contract.ts ' +
        '(the Lambdas themselves are bundled by path). One exception: the competition profile (its core and ' +
        'the reader of a profile file), validated at synth with the same schema the Lambdas use, and zod as the ' +
        'functions configure it (functions/lib/zod.ts) for the stage configuration.',
      severity: 'error',
      from: { path: '^infra/' },
      to: {
        path: '^functions/',
        pathNot: [
          '^functions/lib/contract\\.ts$',
          '^functions/lib/profile/index\\.ts$',
          '^functions/lib/adapters/profile-file\\.ts$',
          '^functions/lib/zod\\.ts$',
        ],
      },
    },
    {
      name: 'contract-is-code-free',
      comment: 'functions/lib/contract.ts holds constants and types only, so importing it brings in no code.',
      severity: 'error',
      from: { path: '^functions/lib/contract\\.ts$' },
      to: {},
    },
    {
      name: 'functions-not-to-tools',
      comment: 'Product code never imports the CLI, the local runtime, benchmarks, scripts or tests.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^(cli|local|bench|scripts|test)/' },
    },
    {
      name: 'not-to-test',
      comment:
        'Only tests import test code (bench/ and scripts/ included): tests may import bench/ and scripts/, ' +
        'never the reverse.',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles (type-only links do not count: they vanish at run time).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(cdk\\.out|\\.local)/' },
    moduleSystems: ['es6', 'cjs'],
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.mts', '.cts', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    cache: false,
    progress: { type: 'none' },
  },
};
