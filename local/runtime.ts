/**
 * The whole system on one machine, with no AWS account: synthesize the CDK app, read its templates, boot the
 * emulators on 127.0.0.1 (s3rver, DynamoDB Local, aws-ses-v2-local, the Step Functions interpreter with its small
 * API), create the tables and buckets the templates declare, and run the synthesized Lambda bundles with the
 * environment the templates give them. Everything started is stopped by `stop()`, also after a failure.
 */
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { encodeS3Key } from '../functions/lib/uploads';
import { type AwsApi, type LocalSqs, startAwsApi } from './emulators/aws-api';
import { startDynamoDbLocal } from './emulators/dynamodb';
import { type FaultInjector, startFaultProxy } from './emulators/fault-proxy';
import { freePort } from './emulators/ports';
import { type RunningS3, type S3ObjectEvent, startS3 } from './emulators/s3';
import { type RunningSes, startSes } from './emulators/ses';
import { type Route, startHttpApi } from './http-api';
import { type BeforeInvoke, bundleFile, LambdaHost, type LocalFunction } from './lambdas';
import { DEFAULT_POLLERS, LocalQueue } from './queue';
import { LocalStepFunctions, type TaskContext } from './stepfunctions';
import { deployedProfileFile, synthesize } from './synth';
import { LOCAL_REGION, loadAssembly, type StackTemplate, TemplateResolver } from './template';

export interface RuntimeOptions {
  /** cdk context for the synth (e.g. { stage: 'local' }). */
  context?: Record<string, string>;
  log?: (line: string) => void;
  /** Where Lambda log lines go (default: dropped; `start` prints them). */
  lambdaLog?: (line: string) => void;
  /** Port for the review HTTP API (default: a free one). */
  httpPort?: number;
  /** Redelivery delay of the local intake queue after a failure. */
  queueRetryDelayMs?: number;
  /**
   * Fault injection for tests: decides, per request a Lambda sends to DynamoDB, SES, Step Functions or Secrets
   * Manager, whether to answer with an AWS error instead (through a loopback proxy; handlers are unchanged).
   */
  faults?: FaultInjector;
  /** Called before each Lambda invocation; throwing simulates a crash of that invocation (tests only). */
  beforeInvoke?: BeforeInvoke;
  /**
   * Sandboxes per Lambda function at most (default DEFAULT_MAX_CONCURRENCY: twice the cores, at least 2); a
   * function's ReservedConcurrentExecutions in the template lowers it. Each sandbox runs one invocation at a time.
   */
  lambdaConcurrency?: number;
  /**
   * When submissions close on this runtime (every function's SUBMISSIONS_CLOSE_AT). Default: 30 days after the
   * start, so a profile whose deadline has passed (KIPP 2025) still runs an open season locally; a test of late
   * uploads passes an instant in the past.
   */
  submissionsCloseAt?: Date;
}

/** How long the local season stays open after `start` unless a test says otherwise. */
export const LOCAL_SEASON_DAYS = 30;

export interface LocalRuntime {
  /** Environment a client (the CLI, the AWS CLI, tests) needs to talk to this runtime. */
  env: Record<string, string>;
  endpoints: { s3: string; dynamodb: string; ses: string; sfn: string; api: string };
  names: {
    bucket: string;
    table: string;
    stateMachineArn: string;
    reviewBaseUrl: string;
    /** The submitters' portal's home (its links are signed per agency: see local/portal-links.ts). */
    portalUrl: string;
    intakeQueue: string;
  };
  lambdas: LambdaHost;
  sfn: LocalStepFunctions;
  queue: LocalQueue;
  ses: RunningSes;
  resolver: TemplateResolver;
  /**
   * Runs the scheduled (EventBridge rule) functions once, e.g. the reminders, with the event time `at`
   * (default now): a later time is how tests and the demo move the clock forward.
   */
  runSchedules(at?: Date): Promise<unknown[]>;
  /** Resolves when the intake queue is empty and no execution is busy with anything but waiting on people. */
  settle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * Starts everything, in the order the pieces depend on each other; each step is a function below. Whatever was
 * started is stopped again if a later step fails.
 */
export async function startLocalRuntime(options: RuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? (() => {});
  const stops = new StopList(log);
  try {
    const { outdir, stacks } = await synthesizeApp(options, log);
    // The Lambdas start last (their environment names every endpoint), but the review API, the state machines
    // and the queues started before them call them: through this late binding.
    const lambdas = new LateBoundLambdas();
    const routes: Route[] = [];
    const http = await startHttpApi(routes, lambdas.invoke, options.httpPort ?? (await freePort()));
    stops.add(() => http.stop());
    // The review API's port must be known before environments are resolved (the review links point at it).
    const resolver = new TemplateResolver(stacks, { apiEndpoint: http.endpoint });
    const { dynamo, ses } = await startDynamoDbAndSes(log, stops);
    const tables = await createTables(resolver, dynamo.endpoint, stops);
    const secrets = generateSecrets(resolver);
    const { sfn, machines } = registerStateMachines(resolver, lambdas.invokeOrThrottle, options, log, stops);
    const sqs = new LocalSqsDirectory();
    const api = await startAwsApiOnLoopback(resolver, sfn, secrets, sqs, stops);
    const queues = new Map<string, LocalQueue>();
    const notifications = bucketNotifications(resolver);
    const { s3, buckets } = await startBuckets(resolver, notifications, queues, stops);
    const lambdaEndpoints = await endpointsForLambdas(
      { dynamodb: dynamo.endpoint, ses: ses.endpoint, sfn: api.endpoint },
      options.faults,
      stops,
    );
    const clientEnv = {
      ...clientEnvironment(s3.endpoint, lambdaEndpoints),
      SUBMISSIONS_CLOSE_AT: (
        options.submissionsCloseAt ?? new Date(Date.now() + LOCAL_SEASON_DAYS * 86_400_000)
      ).toISOString(),
    };
    const functions = localFunctions(resolver, outdir);
    const host = new LambdaHost(functions, clientEnv, {
      onLog: options.lambdaLog,
      beforeInvoke: options.beforeInvoke,
      maxConcurrency: options.lambdaConcurrency,
    });
    stops.add(() => host.stop());
    lambdas.host = host;
    const intakeQueue = connectQueuesToFunctions(resolver, host, queues, sqs, options, stops);
    routes.push(...httpRoutes(resolver));
    const schedules = scheduledTargets(resolver);

    const bucketName = notifications[0]?.bucket ?? buckets[0] ?? '';
    const sendReviewTask = functions.find((fn) => fn.environment.REVIEW_BASE_URL);
    const reviewBaseUrl = sendReviewTask?.environment.REVIEW_BASE_URL ?? `${http.endpoint}/review`;
    const portalFunction = functions.find((fn) => fn.environment.PORTAL_BASE_URL);
    const endpoints = {
      s3: s3.endpoint,
      dynamodb: dynamo.endpoint,
      ses: ses.endpoint,
      sfn: api.endpoint,
      api: http.endpoint,
    };
    const names = {
      bucket: bucketName,
      table: tables[0] ?? '',
      stateMachineArn: machines[0] ?? '',
      reviewBaseUrl,
      portalUrl: portalFunction?.environment.PORTAL_BASE_URL ?? `${http.endpoint}/portal`,
      intakeQueue: intakeQueue.arn,
    };
    return {
      env: toolEnvironment(clientEnv, endpoints, names, sqs, {
        stage: options.context?.stage ?? 'local',
        senderEmail: sendReviewTask?.environment.SENDER_EMAIL ?? '',
        profile: deployedProfileFile(outdir),
        portalUrl: portalFunction?.environment.PORTAL_BASE_URL,
        signingSecretArn: portalFunction?.environment.SIGNING_SECRET_ARN,
      }),
      endpoints,
      names,
      lambdas: host,
      sfn,
      queue: intakeQueue,
      ses,
      resolver,
      runSchedules: (at = new Date()) => runScheduledFunctions(host, schedules, at),
      settle: (timeoutMs = 120_000) => settle(sfn, intakeQueue, timeoutMs),
      stop: () => stops.runAll(),
    };
  } catch (error) {
    await stops.runAll();
    throw error;
  }
}

/** What was started, stopped in reverse order; a failing stop is logged and the others still run. */
class StopList {
  private readonly stops: Array<() => Promise<void> | void> = [];
  constructor(private readonly log: (line: string) => void) {}

  add(...stops: Array<() => Promise<void> | void>): void {
    this.stops.push(...stops);
  }

  async runAll(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        this.log(`stop: ${(error as Error).message}`);
      }
    }
  }
}

/** Calls into the Lambda host once it exists. */
class LateBoundLambdas {
  host: LambdaHost | undefined;
  readonly invoke = (arn: string, event: unknown): Promise<unknown> => {
    if (!this.host) return Promise.reject(new Error(`Lambda ${arn} invoked before the functions started`));
    return this.host.invoke(arn, event);
  };
  /**
   * Step Functions' synchronous invoke: a function at its concurrency limit answers
   * Lambda.TooManyRequestsException, which the definition's retrier backs off from, as on AWS. The wait for a
   * sandbox counts against the task's TimeoutSeconds, so it is bounded to a quarter of it.
   */
  readonly invokeOrThrottle = (arn: string, event: unknown, task?: TaskContext): Promise<unknown> => {
    if (!this.host) return Promise.reject(new Error(`Lambda ${arn} invoked before the functions started`));
    const maxWaitMs = task?.timeoutSeconds === undefined ? undefined : task.timeoutSeconds * 250;
    return this.host.invoke(arn, event, { atLimit: 'throttle', maxWaitMs });
  };
}

/** The SQS queues as `proposals redrive` sees them: the intake queues and their dead letters. */
class LocalSqsDirectory implements LocalSqs {
  readonly entries: Array<{ url: string; arn: string; dlqOf?: LocalQueue; queue?: LocalQueue }> = [];

  attributes(url: string): Record<string, string> | undefined {
    const entry = this.entries.find((q) => q.url === url || url.endsWith(`/${q.arn.split(':').pop()}`));
    if (!entry) return undefined;
    const count = entry.dlqOf ? entry.dlqOf.deadLetters.length : (entry.queue?.depth ?? 0);
    return { QueueArn: entry.arn, ApproximateNumberOfMessages: String(count) };
  }

  moveMessages(sourceArn: string): number | undefined {
    const entry = this.entries.find((q) => q.arn === sourceArn && q.dlqOf);
    return entry?.dlqOf?.redrive();
  }
}

/** Synthesizes the CDK app (or reuses the assembly of unchanged sources) and reads its templates. */
async function synthesizeApp(options: RuntimeOptions, log: (line: string) => void) {
  const synth = await synthesize({ stage: 'local', ...options.context }, log);
  log(`Cloud assembly ${synth.cached ? 'reused' : 'synthesized'} in ${(synth.ms / 1000).toFixed(1)} s`);
  return { outdir: synth.outdir, stacks: loadAssembly(synth.outdir) };
}

async function startDynamoDbAndSes(log: (line: string) => void, stops: StopList) {
  log('Starting DynamoDB Local (Java) ...');
  const [dynamo, ses] = await Promise.all([startDynamoDbLocal(log), startSes()]);
  stops.add(
    () => dynamo.stop(),
    () => ses.stop(),
  );
  return { dynamo, ses };
}

/** Creates the tables the templates declare (key schema, GSIs); returns their names. */
async function createTables(
  resolver: TemplateResolver,
  endpoint: string,
  stops: StopList,
): Promise<string[]> {
  const ddb = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  stops.add(() => ddb.destroy());
  const tables: string[] = [];
  for (const { stack, logicalId, resource } of resolver.resourcesOfType('AWS::DynamoDB::Table')) {
    const props = resolver.resolve(stack, resource.Properties ?? {}) as Record<string, unknown>;
    const name = resolver.name(stack, logicalId);
    await ddb.send(new CreateTableCommand(tableInput(name, props)));
    tables.push(name);
  }
  return tables;
}

/** The secrets the templates declare, generated here as generateSecretString would (by ARN). */
function generateSecrets(resolver: TemplateResolver): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const { stack, logicalId } of resolver.resourcesOfType('AWS::SecretsManager::Secret')) {
    secrets.set(resolver.ref(stack, logicalId), randomBytes(48).toString('base64url'));
  }
  return secrets;
}

/** Every state machine of the templates on the local interpreter, its tasks mapped to the local Lambdas. */
function registerStateMachines(
  resolver: TemplateResolver,
  invokeLambda: (arn: string, payload: unknown, task: TaskContext) => Promise<unknown>,
  options: RuntimeOptions,
  log: (line: string) => void,
  stops: StopList,
) {
  const sfn = new LocalStepFunctions({ invokeLambda, onLog: options.lambdaLog });
  stops.add(() => sfn.stop());
  const machines: string[] = [];
  for (const { stack, logicalId, resource } of resolver.resourcesOfType('AWS::StepFunctions::StateMachine')) {
    const definitionString = resolver.resolve(stack, resource.Properties?.DefinitionString) as string;
    const arn = resolver.ref(stack, logicalId);
    const clamped = sfn.register(arn, JSON.parse(definitionString));
    for (const line of clamped) log(`Note: ${line}`);
    machines.push(arn);
  }
  return { sfn, machines };
}

/** The Step Functions, Secrets Manager and SQS API on loopback; SQS queue URLs point at it from now on. */
async function startAwsApiOnLoopback(
  resolver: TemplateResolver,
  sfn: LocalStepFunctions,
  secrets: Map<string, string>,
  sqs: LocalSqs,
  stops: StopList,
): Promise<AwsApi> {
  const api = await startAwsApi(sfn, secrets, sqs);
  resolver.options.queueEndpoint = api.endpoint;
  stops.add(() => api.stop());
  return api;
}

/**
 * s3rver with the buckets of the templates (versioned where the template says so); object-created events go to
 * the queues the bucket notifications name (the queues are connected later, before any upload can arrive).
 */
async function startBuckets(
  resolver: TemplateResolver,
  notifications: NotificationRule[],
  queues: Map<string, LocalQueue>,
  stops: StopList,
): Promise<{ s3: RunningS3; buckets: string[] }> {
  const declared = resolver.resourcesOfType('AWS::S3::Bucket').map(({ stack, logicalId, resource }) => {
    const versioning = resolver.resolve(stack, resource.Properties?.VersioningConfiguration ?? {}) as {
      Status?: string;
    };
    return { name: resolver.name(stack, logicalId), versioned: versioning.Status === 'Enabled' };
  });
  const s3 = await startS3(
    declared,
    (event) => {
      for (const rule of notifications) {
        if (rule.bucket !== event.bucket || !event.eventName.startsWith('ObjectCreated')) continue;
        if (rule.prefix && !event.key.startsWith(rule.prefix)) continue;
        queues.get(rule.queueArn)?.send(JSON.stringify(s3Notification(event)));
      }
    },
    LOCAL_CREDENTIALS,
  );
  stops.add(() => s3.stop());
  return { s3, buckets: declared.map((b) => b.name) };
}

/** What the Lambdas talk to: the emulators, or fault-injecting proxies in front of them (tests). */
async function endpointsForLambdas(
  emulators: { dynamodb: string; ses: string; sfn: string },
  faults: FaultInjector | undefined,
  stops: StopList,
): Promise<{ dynamodb: string; ses: string; sfn: string }> {
  const via = async (service: string, endpoint: string) => {
    if (!faults) return endpoint;
    const proxy = await startFaultProxy(service, endpoint, faults);
    stops.add(() => proxy.stop());
    return proxy.endpoint;
  };
  return {
    dynamodb: await via('dynamodb', emulators.dynamodb),
    ses: await via('sesv2', emulators.ses),
    sfn: await via('sfn', emulators.sfn),
  };
}

/** The SDK settings every Lambda gets on top of its template environment: region, credentials, endpoints. */
function clientEnvironment(
  s3Endpoint: string,
  endpoints: { dynamodb: string; ses: string; sfn: string },
): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
    AWS_ENDPOINT_URL_SFN: endpoints.sfn,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.sfn,
    // s3rver stores a streamed upload with its aws-chunked framing unless checksums are only sent when required.
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  };
}

/**
 * Batches an SQS event source mapping runs at once: its ScalingConfig.MaximumConcurrency, or a few pollers when
 * the template sets none.
 */
function mappingPollers(props: Record<string, unknown>): number {
  const scaling = props.ScalingConfig as { MaximumConcurrency?: unknown } | undefined;
  return Number(scaling?.MaximumConcurrency ?? DEFAULT_POLLERS);
}

/** Per function name: the most batches its SQS event source mappings run at once. */
function eventSourceConcurrency(resolver: TemplateResolver): Map<string, number> {
  const byFunction = new Map<string, number>();
  for (const { stack, resource } of resolver.resourcesOfType('AWS::Lambda::EventSourceMapping')) {
    const props = resolver.resolve(stack, resource.Properties ?? {}) as Record<string, unknown>;
    const target = String(props.FunctionName);
    const name = target.startsWith('arn:') ? (target.split(':')[6] ?? target) : target;
    byFunction.set(name, Math.max(byFunction.get(name) ?? 0, mappingPollers(props)));
  }
  return byFunction;
}

/** The Node.js functions of the templates: their bundle, handler, resolved environment, timeout, memory. */
function localFunctions(resolver: TemplateResolver, outdir: string): LocalFunction[] {
  const functions: LocalFunction[] = [];
  const pollers = eventSourceConcurrency(resolver);
  for (const { stack, logicalId, resource } of resolver.resourcesOfType('AWS::Lambda::Function')) {
    const assetPath = resource.Metadata?.['aws:asset:path'] as string | undefined;
    const props = resource.Properties ?? {};
    if (!assetPath || !String(props.Runtime ?? '').startsWith('nodejs')) continue;
    const env = resolver.resolve(
      stack,
      (props.Environment as { Variables?: unknown } | undefined)?.Variables ?? {},
    );
    const reserved = props.ReservedConcurrentExecutions;
    const name = resolver.name(stack, logicalId);
    functions.push({
      name,
      logicalId,
      ...bundleFile(outdir, assetPath, String(props.Handler ?? 'index.handler')),
      environment: Object.fromEntries(
        Object.entries(env as Record<string, unknown>).map(([key, value]) => [key, String(value)]),
      ),
      timeoutSeconds: Number(props.Timeout ?? 3),
      memorySize: Number(props.MemorySize ?? 128),
      reservedConcurrency: reserved === undefined ? undefined : Number(reserved),
      // An SQS event source runs this many batches at once.
      eventSourceConcurrency: pollers.get(name),
    });
  }
  return functions;
}

/**
 * The SQS event source mappings: a local queue per mapping delivering to its function, with the template's batch
 * size and redrive policy, registered (with its dead-letter queue) for the SQS API. Returns the intake queue.
 */
function connectQueuesToFunctions(
  resolver: TemplateResolver,
  host: LambdaHost,
  queues: Map<string, LocalQueue>,
  sqs: LocalSqsDirectory,
  options: RuntimeOptions,
  stops: StopList,
): LocalQueue {
  for (const { stack, resource } of resolver.resourcesOfType('AWS::Lambda::EventSourceMapping')) {
    const props = resolver.resolve(stack, resource.Properties ?? {}) as Record<string, unknown>;
    const queueArn = String(props.EventSourceArn);
    const queueEntry = resolver.findByArn('AWS::SQS::Queue', queueArn);
    const redrive = queueEntry
      ? (resolver.resolve(queueEntry.stack, queueEntry.resource.Properties?.RedrivePolicy ?? {}) as {
          maxReceiveCount?: number;
          deadLetterTargetArn?: string;
        })
      : {};
    const functionName = String(props.FunctionName);
    const queue = new LocalQueue({
      name: queueArn.split(':').pop() ?? 'queue',
      arn: queueArn,
      batchSize: Number(props.BatchSize ?? 10),
      pollers: mappingPollers(props),
      maxReceiveCount: Number(redrive.maxReceiveCount ?? 5),
      retryDelayMs: options.queueRetryDelayMs ?? 1000,
      // The poller holds its batch until a sandbox is free (it never has more batches out than its pollers).
      deliver: (event) => host.invoke(functionName, event, { atLimit: 'wait' }),
      onLog: options.lambdaLog,
    });
    queues.set(queueArn, queue);
    const queueUrl = queueEntry ? resolver.ref(queueEntry.stack, queueEntry.logicalId) : queueArn;
    sqs.entries.push({ url: queueUrl, arn: queueArn, queue });
    const dlqArn = redrive.deadLetterTargetArn;
    if (dlqArn) {
      const dlqEntry = resolver.findByArn('AWS::SQS::Queue', dlqArn);
      const dlqUrl = dlqEntry ? resolver.ref(dlqEntry.stack, dlqEntry.logicalId) : dlqArn;
      sqs.entries.push({ url: dlqUrl, arn: dlqArn, dlqOf: queue });
    }
    stops.add(() => queue.stop());
  }
  const intakeQueue = [...queues.values()][0];
  if (!intakeQueue) throw new Error('The templates declare no SQS event source for the intake');
  return intakeQueue;
}

/** The HTTP API routes of the templates, each to its integration's function. */
function httpRoutes(resolver: TemplateResolver): Route[] {
  const routes: Route[] = [];
  for (const { stack, resource } of resolver.resourcesOfType('AWS::ApiGatewayV2::Route')) {
    const props = resource.Properties ?? {};
    const [method = 'ANY', path = '/'] = String(props.RouteKey).split(' ');
    const integrationId = String(
      (resolver.resolve(stack, props.Target) as string).replace(/^integrations\//, ''),
    );
    const integration = Object.entries(stack.resources).find(
      ([id, r]) => r.Type === 'AWS::ApiGatewayV2::Integration' && resolver.name(stack, id) === integrationId,
    );
    if (!integration) continue;
    const functionArn = String(resolver.resolve(stack, integration[1].Properties?.IntegrationUri));
    routes.push({ method, path, functionArn });
  }
  return routes;
}

/** The functions the scheduled (EventBridge) rules target: run on demand, and hourly while `start` runs. */
function scheduledTargets(resolver: TemplateResolver): string[] {
  const schedules: string[] = [];
  for (const { stack, resource } of resolver.resourcesOfType('AWS::Events::Rule')) {
    const props = resolver.resolve(stack, resource.Properties ?? {}) as {
      ScheduleExpression?: string;
      Targets?: Array<{ Arn: string }>;
    };
    if (!props.ScheduleExpression) continue;
    for (const target of props.Targets ?? []) schedules.push(target.Arn);
  }
  return schedules;
}

/** What a client on this machine (the CLI, the AWS CLI, tests) needs: the emulators themselves, not proxies. */
function toolEnvironment(
  clientEnv: Record<string, string>,
  endpoints: LocalRuntime['endpoints'],
  names: LocalRuntime['names'],
  sqs: LocalSqsDirectory,
  extra: {
    stage: string;
    senderEmail: string;
    profile?: string;
    portalUrl?: string;
    signingSecretArn?: string;
  },
): Record<string, string> {
  return {
    ...clientEnv,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
    AWS_ENDPOINT_URL_SFN: endpoints.sfn,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.sfn,
    AWS_ENDPOINT_URL_SQS: endpoints.sfn,
    PROPOSALS_INTAKE_QUEUE_URL: sqs.entries.find((q) => q.queue)?.url ?? '',
    PROPOSALS_INTAKE_DLQ_URL: sqs.entries.find((q) => q.dlqOf)?.url ?? '',
    PROPOSALS_STAGE: extra.stage,
    PROPOSALS_TABLE: names.table,
    PROPOSALS_SENDER_EMAIL: extra.senderEmail,
    PROPOSALS_BUCKET: names.bucket,
    PROPOSALS_STATE_MACHINE_ARN: names.stateMachineArn,
    PROPOSALS_REVIEW_URL: names.reviewBaseUrl,
    ...(extra.portalUrl ? { PROPOSALS_PORTAL_URL: extra.portalUrl } : {}),
    ...(extra.signingSecretArn ? { PROPOSALS_SIGNING_SECRET_ARN: extra.signingSecretArn } : {}),
    // The profile the functions run with, so the CLI applies the same rules (cli/profile.ts).
    ...(extra.profile ? { PROPOSALS_PROFILE: extra.profile } : {}),
  };
}

/** Runs each scheduled function once with an EventBridge scheduled event of time `at`. */
async function runScheduledFunctions(host: LambdaHost, schedules: string[], at: Date): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const arn of schedules) {
    results.push(
      await host.invoke(arn, {
        version: '0',
        id: crypto.randomUUID(),
        source: 'aws.events',
        account: '000000000000',
        region: LOCAL_REGION,
        resources: [],
        'detail-type': 'Scheduled Event',
        time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        detail: {},
      }),
    );
  }
  return results;
}

/** Waits until the intake queue is empty and no execution is busy with anything but waiting on people. */
async function settle(sfn: LocalStepFunctions, intakeQueue: LocalQueue, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietSince = 0;
  while (Date.now() < deadline) {
    const { running, waitingOnPeople } = sfn.running();
    const busy = intakeQueue.depth > 0 || running > waitingOnPeople;
    if (!busy) {
      quietSince ||= Date.now();
      if (Date.now() - quietSince > 300) return;
    } else quietSince = 0;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`The local runtime did not settle within ${timeoutMs} ms`);
}

interface NotificationRule {
  bucket: string;
  queueArn: string;
  prefix?: string;
}

/** Bucket -> queue rules from CDK's Custom::S3BucketNotifications resources. */
function bucketNotifications(resolver: TemplateResolver): NotificationRule[] {
  const rules: NotificationRule[] = [];
  for (const { stack, resource } of resolver.resourcesOfType('Custom::S3BucketNotifications')) {
    const props = resolver.resolve(stack, resource.Properties ?? {}) as {
      BucketName: string;
      NotificationConfiguration?: {
        QueueConfigurations?: Array<{
          QueueArn: string;
          Filter?: { Key?: { FilterRules?: Array<{ Name: string; Value: string }> } };
        }>;
      };
    };
    for (const config of props.NotificationConfiguration?.QueueConfigurations ?? []) {
      const prefix = config.Filter?.Key?.FilterRules?.find((r) => r.Name.toLowerCase() === 'prefix')?.Value;
      rules.push({ bucket: props.BucketName, queueArn: config.QueueArn, prefix });
    }
  }
  return rules;
}

/** What S3 puts on the queue: keys URL-encoded the way S3 encodes them, the version id for a versioned bucket. */
export function s3Notification(event: S3ObjectEvent) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: LOCAL_REGION,
        eventTime: new Date().toISOString(),
        eventName: event.eventName,
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: event.bucket, arn: `arn:aws:s3:::${event.bucket}` },
          object: {
            key: encodeS3Key(event.key),
            size: event.size,
            eTag: event.eTag,
            ...(event.versionId ? { versionId: event.versionId } : {}),
            sequencer: event.sequencer,
          },
        },
      },
    ],
  };
}

function tableInput(name: string, props: Record<string, unknown>): CreateTableCommandInput {
  const gsis = (props.GlobalSecondaryIndexes as CreateTableCommandInput['GlobalSecondaryIndexes']) ?? [];
  return {
    TableName: name,
    AttributeDefinitions: props.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    KeySchema: props.KeySchema as CreateTableCommandInput['KeySchema'],
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: gsis.length
      ? gsis.map((gsi) => ({
          IndexName: gsi.IndexName,
          KeySchema: gsi.KeySchema,
          Projection: gsi.Projection,
        }))
      : undefined,
  };
}

export type { StackTemplate };
