/**
 * The whole system on one machine, with no AWS account: synthesize the CDK app, read its templates, boot the
 * emulators on 127.0.0.1 (s3rver, DynamoDB Local, aws-ses-v2-local, the Step Functions interpreter with its small
 * API), create the tables and buckets the templates declare, and run the synthesized Lambda bundles with the
 * environment the templates give them. Everything started is stopped by `stop()`, also after a failure.
 */
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { encodeS3Key } from '../functions/lib/uploads';
import { type AwsApi, startAwsApi } from './emulators/aws-api';
import { startDynamoDbLocal } from './emulators/dynamodb';
import { type FaultInjector, startFaultProxy } from './emulators/fault-proxy';
import { freePort } from './emulators/ports';
import { type RunningS3, type S3ObjectEvent, startS3 } from './emulators/s3';
import { type RunningSes, startSes } from './emulators/ses';
import { type Route, type RunningHttpApi, startHttpApi } from './http-api';
import { type BeforeInvoke, bundleFile, LambdaHost, type LocalFunction } from './lambdas';
import { LocalQueue } from './queue';
import { LocalStepFunctions } from './stepfunctions';
import { synthesize } from './synth';
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
}

export interface LocalRuntime {
  /** Environment a client (the CLI, the AWS CLI, tests) needs to talk to this runtime. */
  env: Record<string, string>;
  endpoints: { s3: string; dynamodb: string; ses: string; sfn: string; api: string };
  names: {
    bucket: string;
    table: string;
    stateMachineArn: string;
    reviewBaseUrl: string;
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

export async function startLocalRuntime(options: RuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? (() => {});
  const stops: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        log(`stop: ${(error as Error).message}`);
      }
    }
    stops.length = 0;
  };
  try {
    const synth = await synthesize({ stage: 'local', ...options.context }, log);
    log(`Cloud assembly ${synth.cached ? 'reused' : 'synthesized'} in ${(synth.ms / 1000).toFixed(1)} s`);
    const stacks = loadAssembly(synth.outdir);

    // The review API's port must be known before environments are resolved (the review links point at it).
    const routes: Route[] = [];
    let lambdas: LambdaHost | undefined;
    const http: RunningHttpApi = await startHttpApi(
      routes,
      (arn, event) => (lambdas as LambdaHost).invoke(arn, event),
      options.httpPort ?? (await freePort()),
    );
    stops.push(() => http.stop());
    const resolver = new TemplateResolver(stacks, { apiEndpoint: http.endpoint });

    log('Starting DynamoDB Local (Java) ...');
    const [dynamo, ses] = await Promise.all([startDynamoDbLocal(log), startSes()]);
    stops.push(
      () => dynamo.stop(),
      () => ses.stop(),
    );

    // Tables, as declared.
    const ddb = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    stops.push(() => ddb.destroy());
    const tables: string[] = [];
    for (const { stack, logicalId, resource } of resolver.resourcesOfType('AWS::DynamoDB::Table')) {
      const props = resolver.resolve(stack, resource.Properties ?? {}) as Record<string, unknown>;
      const name = resolver.name(stack, logicalId);
      await ddb.send(new CreateTableCommand(tableInput(name, props)));
      tables.push(name);
    }

    // Secrets the templates declare: generated here, like generateSecretString would.
    const secrets = new Map<string, string>();
    for (const { stack, logicalId } of resolver.resourcesOfType('AWS::SecretsManager::Secret')) {
      secrets.set(resolver.ref(stack, logicalId), randomBytes(48).toString('base64url'));
    }

    // Step Functions: every state machine of the templates, its tasks mapped to the local Lambdas.
    const sfn = new LocalStepFunctions({
      invokeLambda: (arn, payload) => (lambdas as LambdaHost).invoke(arn, payload),
      onLog: options.lambdaLog,
    });
    stops.push(() => sfn.stop());
    const machines: string[] = [];
    for (const { stack, logicalId, resource } of resolver.resourcesOfType(
      'AWS::StepFunctions::StateMachine',
    )) {
      const definitionString = resolver.resolve(stack, resource.Properties?.DefinitionString) as string;
      const arn = resolver.ref(stack, logicalId);
      const clamped = sfn.register(arn, JSON.parse(definitionString));
      for (const line of clamped) log(`Note: ${line}`);
      machines.push(arn);
    }
    // SQS as `proposals redrive` sees it: the intake queues (filled in below) and their dead letters.
    const sqsQueues: Array<{ url: string; arn: string; dlqOf?: LocalQueue; queue?: LocalQueue }> = [];
    const api: AwsApi = await startAwsApi(sfn, secrets, {
      attributes(url) {
        const entry = sqsQueues.find((q) => q.url === url || url.endsWith(`/${q.arn.split(':').pop()}`));
        if (!entry) return undefined;
        const count = entry.dlqOf ? entry.dlqOf.deadLetters.length : (entry.queue?.depth ?? 0);
        return { QueueArn: entry.arn, ApproximateNumberOfMessages: String(count) };
      },
      moveMessages(sourceArn) {
        const entry = sqsQueues.find((q) => q.arn === sourceArn && q.dlqOf);
        return entry?.dlqOf?.redrive();
      },
    });
    resolver.options.queueEndpoint = api.endpoint;
    stops.push(() => api.stop());

    // S3: the buckets of the templates; object-created events go where the bucket notifications say.
    const notifications = bucketNotifications(resolver);
    const queues = new Map<string, LocalQueue>();
    const onS3Event = (event: S3ObjectEvent) => {
      for (const rule of notifications) {
        if (rule.bucket !== event.bucket || !event.eventName.startsWith('ObjectCreated')) continue;
        if (rule.prefix && !event.key.startsWith(rule.prefix)) continue;
        const queue = queues.get(rule.queueArn);
        if (!queue) continue;
        queue.send(JSON.stringify(s3Notification(event)));
      }
    };
    const buckets = resolver
      .resourcesOfType('AWS::S3::Bucket')
      .map(({ stack, logicalId }) => resolver.name(stack, logicalId));
    const s3: RunningS3 = await startS3(buckets, onS3Event);
    stops.push(() => s3.stop());

    // What the Lambdas talk to: the emulators, or fault-injecting proxies in front of them.
    const via = async (service: string, endpoint: string) => {
      if (!options.faults) return endpoint;
      const proxy = await startFaultProxy(service, endpoint, options.faults);
      stops.push(() => proxy.stop());
      return proxy.endpoint;
    };
    const lambdaEndpoints = {
      dynamodb: await via('dynamodb', dynamo.endpoint),
      ses: await via('sesv2', ses.endpoint),
      sfn: await via('sfn', api.endpoint),
    };
    const clientEnv: Record<string, string> = {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: lambdaEndpoints.dynamodb,
      AWS_ENDPOINT_URL_SESV2: lambdaEndpoints.ses,
      AWS_ENDPOINT_URL_SES: lambdaEndpoints.ses,
      AWS_ENDPOINT_URL_SFN: lambdaEndpoints.sfn,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: lambdaEndpoints.sfn,
      // s3rver stores a streamed upload with its aws-chunked framing unless checksums are only sent when required.
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    };

    // Lambdas: the bundles of the templates, each with its own resolved environment.
    const functions: LocalFunction[] = [];
    for (const { stack, logicalId, resource } of resolver.resourcesOfType('AWS::Lambda::Function')) {
      const assetPath = resource.Metadata?.['aws:asset:path'] as string | undefined;
      const props = resource.Properties ?? {};
      if (!assetPath || !String(props.Runtime ?? '').startsWith('nodejs')) continue;
      const env = resolver.resolve(
        stack,
        (props.Environment as { Variables?: unknown } | undefined)?.Variables ?? {},
      );
      functions.push({
        name: resolver.name(stack, logicalId),
        logicalId,
        ...bundleFile(synth.outdir, assetPath, String(props.Handler ?? 'index.handler')),
        environment: Object.fromEntries(
          Object.entries(env as Record<string, unknown>).map(([key, value]) => [key, String(value)]),
        ),
        timeoutSeconds: Number(props.Timeout ?? 3),
        memorySize: Number(props.MemorySize ?? 128),
      });
    }
    lambdas = new LambdaHost(functions, clientEnv, options.lambdaLog, options.beforeInvoke);
    stops.push(() => (lambdas as LambdaHost).stop());
    const host = lambdas;

    // SQS event source mappings -> local queues delivering to their function.
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
        maxReceiveCount: Number(redrive.maxReceiveCount ?? 5),
        retryDelayMs: options.queueRetryDelayMs ?? 1000,
        deliver: (event) => host.invoke(functionName, event),
        onLog: options.lambdaLog,
      });
      queues.set(queueArn, queue);
      const queueUrl = queueEntry ? resolver.ref(queueEntry.stack, queueEntry.logicalId) : queueArn;
      sqsQueues.push({ url: queueUrl, arn: queueArn, queue });
      const dlqArn = redrive.deadLetterTargetArn;
      if (dlqArn) {
        const dlqEntry = resolver.findByArn('AWS::SQS::Queue', dlqArn);
        const dlqUrl = dlqEntry ? resolver.ref(dlqEntry.stack, dlqEntry.logicalId) : dlqArn;
        sqsQueues.push({ url: dlqUrl, arn: dlqArn, dlqOf: queue });
      }
      stops.push(() => queue.stop());
    }

    // HTTP API routes -> their integration's function.
    for (const { stack, resource } of resolver.resourcesOfType('AWS::ApiGatewayV2::Route')) {
      const props = resource.Properties ?? {};
      const [method = 'ANY', path = '/'] = String(props.RouteKey).split(' ');
      const integrationId = String(
        (resolver.resolve(stack, props.Target) as string).replace(/^integrations\//, ''),
      );
      const integration = Object.entries(stack.resources).find(
        ([id, r]) =>
          r.Type === 'AWS::ApiGatewayV2::Integration' && resolver.name(stack, id) === integrationId,
      );
      if (!integration) continue;
      const functionArn = String(resolver.resolve(stack, integration[1].Properties?.IntegrationUri));
      routes.push({ method, path, functionArn });
    }

    // Scheduled rules -> functions to run on demand (and hourly while `start` runs).
    const schedules: string[] = [];
    for (const { stack, resource } of resolver.resourcesOfType('AWS::Events::Rule')) {
      const props = resolver.resolve(stack, resource.Properties ?? {}) as {
        ScheduleExpression?: string;
        Targets?: Array<{ Arn: string }>;
      };
      if (!props.ScheduleExpression) continue;
      for (const target of props.Targets ?? []) schedules.push(target.Arn);
    }

    const bucketName = notifications[0]?.bucket ?? buckets[0] ?? '';
    const sendReviewTask = functions.find((fn) => fn.environment.REVIEW_BASE_URL);
    const intakeQueue = [...queues.values()][0];
    if (!intakeQueue) throw new Error('The templates declare no SQS event source for the intake');
    const env = {
      ...clientEnv,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
      AWS_ENDPOINT_URL_SES: ses.endpoint,
      AWS_ENDPOINT_URL_SFN: api.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: api.endpoint,
      AWS_ENDPOINT_URL_SQS: api.endpoint,
      PROPOSALS_INTAKE_QUEUE_URL: sqsQueues.find((q) => q.queue)?.url ?? '',
      PROPOSALS_INTAKE_DLQ_URL: sqsQueues.find((q) => q.dlqOf)?.url ?? '',
      PROPOSALS_STAGE: options.context?.stage ?? 'local',
      PROPOSALS_TABLE: tables[0] ?? '',
      PROPOSALS_SENDER_EMAIL: sendReviewTask?.environment.SENDER_EMAIL ?? '',
      PROPOSALS_BUCKET: bucketName,
      PROPOSALS_STATE_MACHINE_ARN: machines[0] ?? '',
      PROPOSALS_REVIEW_URL: sendReviewTask?.environment.REVIEW_BASE_URL ?? `${http.endpoint}/review`,
    };
    return {
      env,
      endpoints: {
        s3: s3.endpoint,
        dynamodb: dynamo.endpoint,
        ses: ses.endpoint,
        sfn: api.endpoint,
        api: http.endpoint,
      },
      names: {
        bucket: bucketName,
        table: tables[0] ?? '',
        stateMachineArn: machines[0] ?? '',
        reviewBaseUrl: sendReviewTask?.environment.REVIEW_BASE_URL ?? `${http.endpoint}/review`,
        intakeQueue: intakeQueue.arn,
      },
      lambdas: host,
      sfn,
      queue: intakeQueue,
      ses,
      resolver,
      async runSchedules(at = new Date()) {
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
      },
      async settle(timeoutMs = 120_000) {
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
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
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

/** What S3 puts on the queue: keys URL-encoded the way S3 encodes them. */
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
