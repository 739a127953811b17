import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  asArray,
  type BuiltApp,
  buildApp,
  flatten,
  type Json,
  outputNameOf,
  properties,
  resourcesOfType,
} from './support';

// One app for the whole file: synthesis takes seconds.
let built: BuiltApp;
beforeAll(() => {
  built = buildApp();
});

const SENDER = 'kipp-noreply@example.go.id';

describe('data stack', () => {
  it('keeps proposals private: the bucket blocks public access, refuses plain HTTP, is encrypted and versioned', () => {
    const t = built.dataTemplate;
    const bucketId = built.data.getLogicalId(built.data.bucket.node.defaultChild as never);
    t.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'proposals/' }),
      }),
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('stores state in an on-demand table with point-in-time recovery, encryption and the three GSIs', () => {
    const [[, table] = ['', {}]] = resourcesOfType(built.dataTemplate, 'AWS::DynamoDB::Table');
    const props = properties(table);
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(props.SSESpecification).toEqual({ SSEEnabled: true });
    expect(props.KeySchema).toEqual([
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ]);
    const indexes = asArray(props.GlobalSecondaryIndexes as Json[]).map((index) => ({
      name: index.IndexName,
      keys: (index.KeySchema as Json[]).map((key) => key.AttributeName),
      projection: (index.Projection as Json).ProjectionType,
    }));
    expect(indexes).toEqual([
      { name: 'GSI1', keys: ['GSI1PK', 'GSI1SK'], projection: 'ALL' },
      { name: 'GSI2', keys: ['GSI2PK', 'GSI2SK'], projection: 'ALL' },
      { name: 'GSI3', keys: ['reviewId'], projection: 'ALL' },
    ]);
  });

  it('buffers uploads in an encrypted queue whose failures land in an encrypted DLQ after 5 attempts', () => {
    const t = built.dataTemplate;
    const dlqId = built.data.getLogicalId(built.data.intakeDlq.node.defaultChild as never);
    const queueId = built.data.getLogicalId(built.data.intakeQueue.node.defaultChild as never);
    const queues = Object.fromEntries(resourcesOfType(t, 'AWS::SQS::Queue'));
    expect(Object.keys(queues).sort()).toEqual([dlqId, queueId].sort());
    for (const queue of Object.values(queues)) expect(properties(queue).SqsManagedSseEnabled).toBe(true);
    expect(properties(queues[queueId] as Json).RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      maxReceiveCount: 5,
    });
    for (const id of [dlqId, queueId]) {
      t.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });
});

const EXPECTED_SERVICES: Record<string, string[]> = {
  Validate: ['dynamodb', 'logs', 's3', 'xray'],
  Assign: ['dynamodb', 'logs', 'xray'],
  WaitForOps: ['dynamodb', 'logs', 'ses', 'xray'],
  SendReviewTask: ['dynamodb', 'logs', 'secretsmanager', 'ses', 'xray'],
  Reassign: ['dynamodb', 'logs', 'ses', 'xray'],
  Aggregate: ['dynamodb', 'logs', 'xray'],
  Notify: ['dynamodb', 'logs', 'ses', 'xray'],
  RecordFailure: ['dynamodb', 'logs', 'xray'],
  Intake: ['dynamodb', 'logs', 'sqs', 'states', 'xray'],
  Review: ['dynamodb', 'logs', 's3', 'secretsmanager', 'states', 'xray'],
  Reminders: ['dynamodb', 'logs', 'secretsmanager', 'ses', 'states', 'xray'],
  Portal: ['dynamodb', 'logs', 's3', 'secretsmanager', 'xray'],
};

interface FunctionView {
  id: string;
  props: Json;
  statements: { actions: string[]; resources: string[]; condition?: unknown; effect: string }[];
  managedPolicies: unknown[];
}

function functionsOfLogic(): FunctionView[] {
  const t = built.logicTemplate;
  const policies = resourcesOfType(t, 'AWS::IAM::Policy');
  const roles = Object.fromEntries(resourcesOfType(t, 'AWS::IAM::Role'));
  return resourcesOfType(t, 'AWS::Lambda::Function').map(([id, fn]) => {
    const props = properties(fn);
    const [roleId] = (props.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    const statements = policies
      .filter(([, policy]) => JSON.stringify(properties(policy).Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(([, policy]) => (properties(policy).PolicyDocument as { Statement: Json[] }).Statement)
      .map((s) => ({
        effect: String(s.Effect),
        actions: asArray(s.Action as string | string[]),
        resources: asArray(s.Resource).map(flatten),
        condition: s.Condition,
      }));
    return {
      id,
      props,
      statements,
      managedPolicies: asArray(properties(roles[roleId] ?? {}).ManagedPolicyArns),
    };
  });
}

const functionName = (logicalId: string) => logicalId.replace(/Function[0-9A-F]{8}$/, '');

describe('Lambda functions', () => {
  it('are the eleven pipeline functions and the portal, each on Node 22, arm64, with active tracing and source maps', () => {
    const fns = functionsOfLogic();
    expect(fns.map((f) => functionName(f.id)).sort()).toEqual(Object.keys(EXPECTED_SERVICES).sort());
    for (const { id, props } of fns) {
      expect(props.Runtime, id).toBe('nodejs22.x');
      expect(props.Architectures, id).toEqual(['arm64']);
      expect(props.TracingConfig, id).toEqual({ Mode: 'Active' });
      const env = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.NODE_OPTIONS, id).toBe('--enable-source-maps');
      expect(env.POWERTOOLS_METRICS_NAMESPACE, id).toBe('ProposalReview');
    }
  });

  it('tell intake and the portal when submissions close: the end of the deadline day in the profile’s time zone', () => {
    // KIPP: 2025-06-30 in Asia/Jakarta (UTC+7), computed at synth so no cold start loads time zone data for it.
    const closing = functionsOfLogic().filter(({ id }) => /^(Intake|Portal)/.test(functionName(id)));
    expect(closing).toHaveLength(2);
    for (const { id, props } of closing) {
      const env = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.SUBMISSIONS_CLOSE_AT, id).toBe('2025-06-30T16:59:59.999Z');
    }
  });

  it('write JSON logs to a log group of their own that keeps them for the configured retention', () => {
    const logGroups = Object.fromEntries(resourcesOfType(built.logicTemplate, 'AWS::Logs::LogGroup'));
    const seen = new Set<string>();
    for (const { id, props } of functionsOfLogic()) {
      const logging = props.LoggingConfig as { LogFormat: string; LogGroup: { Ref: string } };
      expect(logging.LogFormat, id).toBe('JSON');
      const group = logGroups[logging.LogGroup.Ref];
      expect(group, id).toBeDefined();
      expect(properties(group as Json).RetentionInDays, id).toBe(30);
      seen.add(logging.LogGroup.Ref);
    }
    expect(seen.size).toBe(Object.keys(EXPECTED_SERVICES).length);
  });

  it('run under roles without AWS managed policies, granted only the services they use', () => {
    for (const fn of functionsOfLogic()) {
      expect(fn.managedPolicies, fn.id).toEqual([]);
      const services = [
        ...new Set(fn.statements.flatMap((s) => s.actions.map((a) => a.split(':')[0]))),
      ].sort();
      expect(services, fn.id).toEqual(EXPECTED_SERVICES[functionName(fn.id)]);
      expect(fn.statements.every((s) => s.effect === 'Allow')).toBe(true);
    }
  });

  it('scope every grant to the project resources; "*" only for X-Ray, which requires it', () => {
    const data = built.dataTemplate;
    const logicalId = (c: { node: { defaultChild?: unknown } }) =>
      built.data.getLogicalId(c.node.defaultChild as never);
    const table = `output:${outputNameOf(data, { 'Fn::GetAtt': [logicalId(built.data.table), 'Arn'] })}`;
    const bucket = `output:${outputNameOf(data, { 'Fn::GetAtt': [logicalId(built.data.bucket), 'Arn'] })}`;
    const secret = `output:${outputNameOf(data, { Ref: logicalId(built.data.signingSecret) })}`;
    const queue = `output:${outputNameOf(data, { 'Fn::GetAtt': [logicalId(built.data.intakeQueue), 'Arn'] })}`;
    const stateMachine = `<${built.logic.getLogicalId(built.logic.pipeline.stateMachine.node.defaultChild as never)}>`;
    const ses = (suffix: string) => `arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:${suffix}`;
    const allowed: Record<string, (fn: FunctionView) => string[]> = {
      // Named indexes only (test/infra/roles.test.ts: which function queries which).
      dynamodb: () => [table, ...['GSI1', 'GSI2', 'GSI3'].map((index) => `${table}/index/${index}`)],
      // Objects under the two prefixes; the bucket itself only for the portal's ListBucket (prefix-conditioned).
      s3: (fn) => [
        `${bucket}/incoming/*`,
        `${bucket}/drafts/*`,
        ...(functionName(fn.id) === 'Portal' ? [bucket] : []),
      ],
      secretsmanager: () => [secret],
      sqs: () => [queue],
      states: () => [stateMachine],
      // Any identity (the sandbox checks the recipients' too), pinned to the sender by ses:FromAddress below.
      ses: () => [ses('identity/*'), ses('configuration-set/*')],
      xray: () => ['*'],
      logs: (fn) => [`<${(fn.props.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref}.Arn>`],
    };
    for (const fn of functionsOfLogic()) {
      for (const statement of fn.statements) {
        const services = new Set(statement.actions.map((a) => a.split(':')[0] ?? ''));
        expect(services.size, `${fn.id}: one service per statement`).toBe(1);
        const [service = ''] = [...services];
        const scope = allowed[service]?.(fn) ?? [];
        for (const resource of statement.resources) expect(scope, `${fn.id} ${service}`).toContain(resource);
        if (statement.resources.includes('*')) expect(service).toBe('xray');
      }
    }
  });

  it('send email only from the configured sender address', () => {
    const senders = functionsOfLogic().filter((fn) =>
      fn.statements.some((s) => s.actions.includes('ses:SendEmail')),
    );
    expect(senders.map((f) => functionName(f.id)).sort()).toEqual(
      ['Notify', 'Reassign', 'Reminders', 'SendReviewTask', 'WaitForOps'].sort(),
    );
    for (const fn of senders) {
      for (const s of fn.statements.filter((st) => st.actions.some((a) => a.startsWith('ses:')))) {
        expect(s.actions).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
        expect(s.condition).toEqual({ StringEquals: { 'ses:FromAddress': SENDER } });
      }
    }
  });

  it('let only the review and reminder functions answer task tokens, and only intake start executions', () => {
    const stateMachine = `<${built.logic.getLogicalId(built.logic.pipeline.stateMachine.node.defaultChild as never)}>`;
    const byAction = (action: string) =>
      functionsOfLogic()
        .filter((fn) => fn.statements.some((s) => s.actions.includes(action)))
        .map((fn) => functionName(fn.id))
        .sort();
    expect(byAction('states:SendTaskSuccess')).toEqual(['Reminders', 'Review']);
    expect(byAction('states:SendTaskFailure')).toEqual(['Reminders', 'Review']);
    expect(byAction('states:StartExecution')).toEqual(['Intake']);
    for (const fn of functionsOfLogic()) {
      for (const s of fn.statements.filter((st) => st.actions.some((a) => a.startsWith('states:')))) {
        expect(s.resources, fn.id).toEqual([stateMachine]);
      }
    }
  });

  it('feed intake from the upload queue in batches that report partial failures', () => {
    built.logicTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });
});

describe('review API', () => {
  it('logs every request of the default stage as JSON, without the signed query string', () => {
    const [[, stage] = ['', {}]] = resourcesOfType(built.logicTemplate, 'AWS::ApiGatewayV2::Stage');
    const props = properties(stage);
    expect(props.StageName).toBe('$default');
    const settings = props.AccessLogSettings as { DestinationArn: unknown; Format: string };
    const group = flatten(settings.DestinationArn);
    expect(group).toMatch(/^<ReviewApiAccessLogs[0-9A-F]{8}\.Arn>$/);
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format.requestId).toBe('$context.requestId');
    expect(format.status).toBe('$context.status');
    expect(settings.Format).not.toMatch(/querystring|\$context\.path/i);
  });
});
