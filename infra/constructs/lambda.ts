import { fileURLToPath } from 'node:url';
import { Duration, type RemovalPolicy, Tags } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  type Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Profile } from '../../functions/lib/profile';
import { INTERNET_FACING_CONCURRENCY, INTERNET_FACING_TAG } from '../limits';

/**
 * Packages the functions import lazily (`await import(...)`): left out of the entry bundle and bundled on their own
 * into the asset's node_modules by scripts/lazy-modules.mjs, so a call that does not need one does not load it
 * (Validate imports unpdf for a PDF only). A function that never imports one gets nothing extra.
 */
export const LAZY_MODULES = ['unpdf'];
const LAZY_MODULES_SCRIPT = fileURLToPath(new URL('../../scripts/lazy-modules.mjs', import.meta.url));

/** The identifier functions/lib/profile-config.ts reads the embedded profile from. */
export const PROFILE_DEFINE = '__PROPOSALS_PROFILE__';

/**
 * The esbuild `define` that embeds a profile: its JSON as a string literal, which profile-config.ts parses once. A
 * string (unlike an object literal) lets esbuild fold `typeof __PROPOSALS_PROFILE__` at build time, so the bundle
 * leaves out the unbundled path (the profile files, their reader and the profile schema): ~16 KiB a function.
 */
export const profileDefine = (profile: Profile): Record<string, string> => ({
  [PROFILE_DEFINE]: JSON.stringify(JSON.stringify(profile)),
});

export interface ProjectFunctionProps {
  /** File name under functions/, without extension (e.g. `intake`). */
  entry: string;
  description: string;
  environment?: Record<string, string>;
  /** The competition profile (validated at synth), embedded in the bundle: what the function runs with. */
  profile?: Profile;
  timeout?: Duration;
  memorySize?: number;
  /** More identifiers esbuild replaces with literals (JSON), e.g. files the function serves. */
  defines?: Record<string, string>;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  /** Answers requests from the internet (the review page, the portal): see `limitInternetFacing`. */
  internetFacing?: boolean;
}

/**
 * Marks a function as internet-facing and reserves its concurrency (INTERNET_FACING_CONCURRENCY): a flood on it
 * cannot exhaust the account's Lambda concurrency that the pipeline needs. For a function built without
 * ProjectFunction; ProjectFunction does it with `internetFacing: true`. `test/infra/rate-limits.test.ts` checks
 * that every function so tagged has it.
 */
export function limitInternetFacing(fn: LambdaFunction): void {
  const cfn = fn.node.defaultChild as { reservedConcurrentExecutions?: number } | undefined;
  if (cfn) cfn.reservedConcurrentExecutions = INTERNET_FACING_CONCURRENCY;
  Tags.of(fn).add(INTERNET_FACING_TAG, 'true');
}

/** The project's defaults for every Lambda: Node 22 on arm64, ESM bundle with the AWS SDK bundled and tree-shaken. */
export class ProjectFunction extends Construct {
  readonly fn: NodejsFunction;
  /** The Powertools service name: the `service` dimension of the function's metrics. */
  readonly serviceName: string;

  constructor(scope: Construct, id: string, props: ProjectFunctionProps) {
    super(scope, id);
    this.serviceName = `proposals-${props.entry}`;
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    // Own role instead of the AWS managed AWSLambdaBasicExecutionRole (which may write to any log group):
    // the function may write to its own log group only.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.entry} function`,
    });
    logGroup.grantWrite(role);
    this.fn = new NodejsFunction(this, 'Function', {
      entry: fileURLToPath(new URL(`../../functions/${props.entry}.ts`, import.meta.url)),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: this.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: 'ProposalReview',
        // Responses and errors can hold review links, task tokens and presigned URLs: kept out of X-Ray (the
        // tracer sets the same in code, functions/lib/tracer.ts).
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK too (CDK leaves @aws-sdk/* out by default) and prefer ESM builds so it tree-shakes;
        // only the lazily imported packages stay out, bundled after the entry (commandHooks).
        externalModules: [...LAZY_MODULES],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => [
            `"${process.execPath}" "${LAZY_MODULES_SCRIPT}" "${outputDir}" ${LAZY_MODULES.join(' ')}`,
          ],
        },
        mainFields: ['module', 'main'],
        // ESM output still meets CommonJS dependencies that call require().
        banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        metafile: false,
        // esbuild replaces the identifier with the profile as a literal: the bundle carries the profile itself, so a
        // profile given as a file at synth needs no file at run time.
        define: {
          ...(props.profile ? profileDefine(props.profile) : {}),
          ...props.defines,
        },
      },
    });
    if (props.internetFacing) limitInternetFacing(this.fn);
  }
}
