import { readdirSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BUSINESS_METRICS,
  METRICS_NAMESPACE,
  UNDELIVERED_EMAILS,
  VALIDATION_DURATION,
} from '../../infra/constructs/observability';
import {
  type BuiltApp,
  buildApp,
  type Json,
  properties,
  readSource,
  render,
  resourcesOfType,
} from './support';

let built: BuiltApp;
let alarms: Json[];
let topicId: string;
let widgets: { type: string; properties: { title?: string; metrics?: unknown[][]; markdown?: string } }[];

beforeAll(() => {
  built = buildApp();
  // A labelled metric is written in the `Metrics` form: read both forms alike.
  alarms = resourcesOfType(built.logicTemplate, 'AWS::CloudWatch::Alarm').map(([, alarm]) => {
    const props = properties(alarm);
    const [query] = (props.Metrics ?? []) as { MetricStat: { Metric: Json; Stat: string } }[];
    return query ? { ...props, ...query.MetricStat.Metric, Statistic: query.MetricStat.Stat } : props;
  });
  const [[id] = ['']] = resourcesOfType(built.logicTemplate, 'AWS::SNS::Topic');
  topicId = id;
  const [[, dashboard] = ['', {}]] = resourcesOfType(built.logicTemplate, 'AWS::CloudWatch::Dashboard');
  widgets = (JSON.parse(render(properties(dashboard).DashboardBody)) as { widgets: typeof widgets }).widgets;
});

/** [namespace, metric name, dimension values...] of every metric drawn on the dashboard. */
const dashboardMetrics = () =>
  widgets.flatMap((w) =>
    (w.properties.metrics ?? []).map((m) => m.filter((part) => typeof part === 'string')),
  );

const alarmsOn = (metricName: string) => alarms.filter((a) => a.MetricName === metricName);

describe('alarm topic', () => {
  it('is encrypted with a rotating key CloudWatch may use, accepts only TLS, and mails ops', () => {
    const t = built.logicTemplate;
    const [[keyId, key] = ['', {}]] = resourcesOfType(t, 'AWS::KMS::Key');
    expect(properties(key).EnableKeyRotation).toBe(true);
    expect(JSON.stringify(properties(key).KeyPolicy)).toContain('cloudwatch.amazonaws.com');
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'kipp-ops@example.go.id',
      TopicArn: { Ref: topicId },
    });
  });
});

describe('alarms', () => {
  it('all notify ops on the topic, when they fire and when they clear', () => {
    // Five pipeline-wide alarms, one per function on its errors, one per sender of undeliverable emails.
    const functionCount = resourcesOfType(built.logicTemplate, 'AWS::Lambda::Function').length;
    expect(alarms.length).toBe(5 + functionCount + (UNDELIVERED_EMAILS?.emittedBy.length ?? 0));
    for (const alarm of alarms) {
      expect(alarm.AlarmActions, String(alarm.MetricName)).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions, String(alarm.MetricName)).toEqual([{ Ref: topicId }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(String(alarm.AlarmDescription).length).toBeGreaterThan(20);
    }
  });

  it('fire on the first failed or timed-out execution of the pipeline', () => {
    const stateMachineId = built.logic.getLogicalId(
      built.logic.pipeline.stateMachine.node.defaultChild as never,
    );
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      expect(alarmsOn(metric), metric).toEqual([
        expect.objectContaining({
          Namespace: 'AWS/States',
          Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: stateMachineId } }],
          Statistic: 'Sum',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        }),
      ]);
    }
  });

  it('tell ops of every email SES would not take, per sending function', () => {
    const undelivered = alarmsOn('EmailsUndelivered');
    expect(undelivered.map((a) => (a.Dimensions as { Value: string }[])[0]?.Value).sort()).toEqual(
      ['proposals-notify', 'proposals-reassign', 'proposals-reminders', 'proposals-send-review-task'].sort(),
    );
    for (const alarm of undelivered) {
      expect(alarm).toMatchObject({ Namespace: METRICS_NAMESPACE, Threshold: 1, Statistic: 'Sum' });
    }
  });

  it('fire as soon as an upload lands in the intake DLQ', () => {
    const [alarm] = alarmsOn('ApproximateNumberOfMessagesVisible');
    expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 1, Statistic: 'Maximum' });
    expect(JSON.stringify(alarm?.Dimensions)).toMatch(/IntakeDlq.*QueueName/);
  });

  it('watch the errors of every one of the eleven functions', () => {
    const functionIds = resourcesOfType(built.logicTemplate, 'AWS::Lambda::Function').map(([id]) => id);
    const watched = alarmsOn('Errors').map((a) => {
      expect(a).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 1, Statistic: 'Sum' });
      return (a.Dimensions as { Value: { Ref: string } }[])[0]?.Value.Ref;
    });
    expect(watched.sort()).toEqual(functionIds.sort());
  });

  it('warn before SES pauses sending: bounce rate above 5 %, complaint rate above 0.1 %', () => {
    expect(alarmsOn('Reputation.BounceRate')).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/SES',
        Threshold: 0.05,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    ]);
    expect(alarmsOn('Reputation.ComplaintRate')).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/SES',
        Threshold: 0.001,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    ]);
  });
});

describe('dashboard', () => {
  it('is named after the stage and linked from the stack outputs', () => {
    built.logicTemplate.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: 'Proposals-dev',
    });
    const outputs = built.logicTemplate.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(render(outputs.DashboardUrl?.Value)).toBe(
      'https://ap-southeast-3.console.aws.amazon.com/cloudwatch/home?region=ap-southeast-3#dashboards:name=Proposals-dev',
    );
  });

  it('draws every business metric the handlers emit, per emitting service', () => {
    // Read the handlers themselves: each `metrics.addMetric('Name', ...)` in functions/<entry>.ts must be on the
    // dashboard with service = proposals-<entry>, so a new metric cannot be forgotten.
    const emitted: string[] = [];
    for (const file of readdirSync(new URL('../../functions/', import.meta.url))) {
      if (!file.endsWith('.ts')) continue;
      const source = readSource(`functions/${file}`);
      for (const match of source.matchAll(/addMetric\(\s*(?:'(\w+)'|[^,]*\?\s*'(\w+)'\s*:\s*'(\w+)')/g)) {
        for (const name of match.slice(1).filter(Boolean)) {
          emitted.push(`${name} proposals-${file.replace(/\.ts$/, '')}`);
        }
      }
    }
    expect(emitted.length).toBeGreaterThanOrEqual(12);
    const drawn = new Set(
      dashboardMetrics()
        .filter(([namespace]) => namespace === METRICS_NAMESPACE)
        .map(([, name, dimension, service]) => {
          expect(dimension).toBe('service');
          return `${name} ${service}`;
        }),
    );
    for (const pair of emitted) expect(drawn, pair).toContain(pair);
    const declared = BUSINESS_METRICS.flatMap((m) =>
      m.emittedBy.map((entry) => `${m.name} proposals-${entry}`),
    );
    expect([...drawn].sort()).toEqual(
      [...declared, `${VALIDATION_DURATION.name} proposals-${VALIDATION_DURATION.emittedBy}`].sort(),
    );
  });

  it('shows executions, the DLQ depth, errors per function and SES reputation', () => {
    const metrics = dashboardMetrics();
    const names = (namespace: string) => metrics.filter(([ns]) => ns === namespace).map(([, name]) => name);
    expect(names('AWS/States').sort()).toEqual(
      ['ExecutionsFailed', 'ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsTimedOut'].sort(),
    );
    expect(names('AWS/SQS')).toEqual(['ApproximateNumberOfMessagesVisible']);
    const functionCount = resourcesOfType(built.logicTemplate, 'AWS::Lambda::Function').length;
    expect(names('AWS/Lambda')).toEqual(Array(functionCount).fill('Errors'));
    expect(names('AWS/SES').sort()).toEqual(['Reputation.BounceRate', 'Reputation.ComplaintRate']);
    const titles = widgets.map((w) => w.properties.title).filter(Boolean);
    expect(titles).toContain('Validation duration (ms)');
    expect(titles).toContain('Lambda errors per function');
  });
});
