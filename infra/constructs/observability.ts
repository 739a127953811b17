import { Aws, CfnOutput, Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** CloudWatch namespace of the handlers' Powertools metrics (POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'ProposalReview';

/**
 * The business metrics the handlers emit with Powertools, and the functions (by `functions/<entry>.ts`) that emit
 * each one. Powertools adds the dimension `service` = POWERTOOLS_SERVICE_NAME (`proposals-<entry>`), so one metric
 * from two functions is two CloudWatch series: the dashboard shows each one, labelled with its source, because the
 * two count different moments (e.g. a decline is counted when the reviewer declines and again when the task is
 * released), so adding them up would double-count.
 */
export const BUSINESS_METRICS = [
  { name: 'ProposalsReceived', emittedBy: ['intake'], title: 'Proposals received' },
  { name: 'ProposalsRejected', emittedBy: ['intake', 'validate'], title: 'Proposals rejected' },
  { name: 'ProposalsReviewed', emittedBy: ['aggregate'], title: 'Proposals reviewed' },
  { name: 'ProposalsFailed', emittedBy: ['record-failure'], title: 'Proposals failed (technical)' },
  { name: 'ReviewTasksAssigned', emittedBy: ['assign'], title: 'Review tasks assigned' },
  { name: 'ReviewTasksSent', emittedBy: ['send-review-task'], title: 'Review tasks sent' },
  { name: 'ReviewTasksCompleted', emittedBy: ['review-api'], title: 'Review tasks completed' },
  { name: 'ReviewTasksDeclined', emittedBy: ['review-api', 'reassign'], title: 'Review tasks declined' },
  { name: 'ReviewTasksTimedOut', emittedBy: ['reminders', 'reassign'], title: 'Review tasks timed out' },
  { name: 'RemindersSent', emittedBy: ['reminders'], title: 'Reminders sent' },
  {
    name: 'EmailsUndelivered',
    emittedBy: ['notify', 'send-review-task', 'reminders', 'reassign'],
    title: 'Emails SES would not take',
  },
] as const;

/**
 * Emails SES refused (sandbox, rejected, quota) or kept failing: each one is recorded on its proposal, and ops hear
 * of it through this alarm (SNS, so it reaches them even when SES is what fails).
 */
export const UNDELIVERED_EMAILS = BUSINESS_METRICS.find((m) => m.name === 'EmailsUndelivered');

export const VALIDATION_DURATION = { name: 'ValidationDuration', emittedBy: 'validate' } as const;

/** SES account reputation thresholds (fractions): above these AWS may pause sending for the account. */
export const SES_BOUNCE_RATE_THRESHOLD = 0.05;
export const SES_COMPLAINT_RATE_THRESHOLD = 0.001;

export interface ObservedFunction {
  fn: IFunction;
  /** POWERTOOLS_SERVICE_NAME of the function. */
  serviceName: string;
  /** Short name for widgets and alarms, e.g. `Validate`. */
  label: string;
}

export interface ObservabilityProps {
  dashboardName: string;
  /** Receives the alarm notifications (SNS email subscription; the address confirms it once). */
  opsEmail: string;
  stateMachine: IStateMachine;
  deadLetterQueue: IQueue;
  functions: readonly ObservedFunction[];
  removalPolicy: RemovalPolicy;
}

const FIVE_MINUTES = Duration.minutes(5);

/** Alarm topic for ops, the pipeline's dashboard and its alarms. */
export class Observability extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const servicePrefix = 'proposals-';
    const serviceOf = (entry: string) => `${servicePrefix}${entry}`;
    const known = new Set(props.functions.map((f) => f.serviceName));

    // CloudWatch can only publish to an encrypted topic whose key lets it: a customer managed key, not aws/sns.
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the proposal pipeline alarm topic',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: 'KIPP proposal pipeline alarms',
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.topic.addSubscription(new EmailSubscription(props.opsEmail));
    const notify = new SnsAction(this.topic);
    const alarm = (alarmId: string, metric: IMetric, description: string, threshold = 1) => {
      const created = new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator:
          threshold >= 1
            ? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
            : ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      this.alarms.push(created);
      return created;
    };

    const business = (name: string, service: string, label: string, statistic = 'Sum') =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service },
        statistic,
        period: FIVE_MINUTES,
        label,
      });
    const businessWidget = (metric: (typeof BUSINESS_METRICS)[number]) =>
      new GraphWidget({
        title: metric.title,
        width: 6,
        left: metric.emittedBy
          .filter((entry) => known.has(serviceOf(entry)))
          .map((entry) =>
            business(
              metric.name,
              serviceOf(entry),
              metric.emittedBy.length > 1 ? `${metric.name} (${entry})` : metric.name,
            ),
          ),
      });

    const sm = props.stateMachine;
    const executions = {
      started: sm.metricStarted({ period: FIVE_MINUTES, statistic: 'Sum', label: 'Started' }),
      succeeded: sm.metricSucceeded({ period: FIVE_MINUTES, statistic: 'Sum', label: 'Succeeded' }),
      failed: sm.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum', label: 'Failed' }),
      timedOut: sm.metricTimedOut({ period: FIVE_MINUTES, statistic: 'Sum', label: 'Timed out' }),
    };
    const dlqDepth = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: FIVE_MINUTES,
      statistic: 'Maximum',
      label: 'Messages in the intake DLQ',
    });
    const errors = props.functions.map((f) => ({
      f,
      metric: f.fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum', label: f.label }),
    }));
    const sesBounce = new Metric({
      namespace: 'AWS/SES',
      metricName: 'Reputation.BounceRate',
      statistic: 'Maximum',
      period: Duration.hours(1),
      label: 'Bounce rate',
    });
    const sesComplaint = new Metric({
      namespace: 'AWS/SES',
      metricName: 'Reputation.ComplaintRate',
      statistic: 'Maximum',
      period: Duration.hours(1),
      label: 'Complaint rate',
    });

    alarm(
      'ExecutionsFailedAlarm',
      executions.failed,
      'A proposal pipeline execution failed: find it in Step Functions; the proposal is FAILED with its cause.',
    );
    alarm(
      'ExecutionsTimedOutAlarm',
      executions.timedOut,
      'A proposal pipeline execution timed out: its proposal never reached a final status.',
    );
    alarm(
      'IntakeDlqNotEmptyAlarm',
      dlqDepth,
      'Uploads could not be registered after 5 attempts and wait in the intake DLQ: fix the cause, then redrive.',
    );
    for (const { f, metric } of errors) {
      alarm(`${f.label}ErrorsAlarm`, metric, `The ${f.label} function (${f.serviceName}) reported errors.`);
    }
    alarm(
      'SesBounceRateAlarm',
      sesBounce,
      'SES bounce rate above 5 %: AWS may pause sending; check reviewer and submitter addresses.',
      SES_BOUNCE_RATE_THRESHOLD,
    );
    alarm(
      'SesComplaintRateAlarm',
      sesComplaint,
      'SES complaint rate above 0.1 %: AWS may pause sending; check what was sent.',
      SES_COMPLAINT_RATE_THRESHOLD,
    );

    for (const entry of UNDELIVERED_EMAILS?.emittedBy ?? []) {
      if (!known.has(serviceOf(entry))) continue;
      alarm(
        `EmailsUndelivered${entry.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}Alarm`,
        business('EmailsUndelivered', serviceOf(entry), `EmailsUndelivered (${entry})`),
        `SES would not take an email sent by ${entry} (sandbox recipient, rejected message, daily quota spent, ` +
          'or failing through every retry): the proposal history says which; fix SES, then resend or tell the person.',
      );
    }

    const duration = (statistic: string) =>
      business(VALIDATION_DURATION.name, serviceOf(VALIDATION_DURATION.emittedBy), statistic, statistic);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.days(7),
      widgets: [
        [
          new TextWidget({
            markdown:
              `# ${props.dashboardName}\n` +
              'Proposals, review tasks and the health of the pipeline. / Proposal, tugas penilaian dan kesehatan pipeline.',
            width: 24,
            height: 2,
          }),
        ],
        BUSINESS_METRICS.slice(0, 4).map(businessWidget),
        BUSINESS_METRICS.slice(4, 8).map(businessWidget),
        [
          ...BUSINESS_METRICS.slice(8).map(businessWidget),
          new GraphWidget({
            title: 'Validation duration (ms)',
            width: 6,
            left: [duration('p50'), duration('p90'), duration('Maximum')],
          }),
          new SingleValueWidget({ title: 'Intake DLQ depth', width: 6, metrics: [dlqDepth] }),
        ],
        [
          new GraphWidget({
            title: 'State machine executions',
            width: 12,
            left: [executions.started, executions.succeeded, executions.failed, executions.timedOut],
          }),
          new GraphWidget({
            title: 'Lambda errors per function',
            width: 12,
            left: errors.map((e) => e.metric),
          }),
        ],
        [
          new GraphWidget({
            title: 'SES reputation',
            width: 24,
            left: [sesBounce, sesComplaint],
            leftAnnotations: [
              { value: SES_BOUNCE_RATE_THRESHOLD, label: 'Bounce alarm' },
              { value: SES_COMPLAINT_RATE_THRESHOLD, label: 'Complaint alarm' },
            ],
          }),
        ],
      ],
    });

    const stack = Stack.of(this);
    new CfnOutput(stack, 'DashboardUrl', {
      value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${props.dashboardName}`,
      description: 'CloudWatch dashboard of the pipeline',
    });
    new CfnOutput(stack, 'AlarmTopicArn', {
      value: this.topic.topicArn,
      description: 'Alarm notifications (ops email is subscribed)',
    });
  }
}
