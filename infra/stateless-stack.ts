import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { UPLOAD_PREFIX } from '../functions/lib/contract';
import { longestReviewDays, PROFILE_METADATA_KEY, type Profile } from '../functions/lib/profile';
import type { StageConfig } from './config';
import { ProjectFunction } from './constructs/lambda';
import { Observability } from './constructs/observability';
import { ReviewPipeline } from './constructs/pipeline';
import type { StatefulStack } from './stateful-stack';

/**
 * Slack of the Step Functions safety net beyond the last moment a review task can still be open (the hourly sweep
 * ends an overdue task first; this leaves it a day, sweeps that failed included).
 */
export const SAFETY_NET_MARGIN_DAYS = 1;

export interface StatelessStackProps extends StackProps {
  config: StageConfig;
  /** The competition profile (validated at synth): embedded in every bundle, and sets the review timeouts. */
  profile: Profile;
  data: StatefulStack;
}

/** Logic only: functions, the state machine, the review API and the reminder schedule. Safe to redeploy. */
export class StatelessStack extends Stack {
  readonly pipeline: ReviewPipeline;
  readonly api: HttpApi;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, profile, data } = props;
    const logRetention = config.logRetentionDays as RetentionDays;
    const removalPolicy = RemovalPolicy.DESTROY;
    const common = {
      TABLE_NAME: data.table.tableName,
      // The bundles carry the profile itself; the id names it in logs and errors.
      PROFILE: profile.id,
    };
    const mail = {
      SENDER_EMAIL: config.senderEmail,
      REPLY_TO_EMAIL: config.replyToEmail ?? '',
      OPS_EMAIL: config.opsEmail,
    };
    const projectFunctions: ProjectFunction[] = [];
    const make = (
      id: string,
      entry: string,
      description: string,
      environment: Record<string, string>,
      extra: { timeout?: Duration; memorySize?: number } = {},
    ) => {
      const project = new ProjectFunction(this, id, {
        entry,
        description,
        environment,
        logRetention,
        removalPolicy,
        profile,
        ...extra,
      });
      projectFunctions.push(project);
      return project.fn;
    };
    // Uploaded proposals are read by key and version under the upload prefix only.
    const uploads = `${UPLOAD_PREFIX}*`;

    // SES authorises against the verified identity in use: the sender address itself or its domain.
    const senderDomain = config.senderEmail.slice(config.senderEmail.lastIndexOf('@') + 1);
    const sesSend = new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['ses:SendEmail'],
      resources: [
        `arn:${this.partition}:ses:${this.region}:${this.account}:identity/${config.senderEmail}`,
        `arn:${this.partition}:ses:${this.region}:${this.account}:identity/${senderDomain}`,
        `arn:${this.partition}:ses:${this.region}:${this.account}:configuration-set/*`,
      ],
      conditions: { StringEquals: { 'ses:FromAddress': config.senderEmail } },
    });

    const validate = make(
      'Validate',
      'validate',
      'Validates an uploaded proposal against the competition profile',
      common,
      {
        timeout: Duration.minutes(2),
        memorySize: 1024,
      },
    );
    data.table.grantReadWriteData(validate);
    data.bucket.grantRead(validate, uploads);

    const assign = make('Assign', 'assign', 'Reserves conflict-free reviewers for a proposal', common, {
      timeout: Duration.minutes(1),
    });
    data.table.grantReadWriteData(assign);

    const waitForOps = make(
      'WaitForOps',
      'wait-for-ops',
      'Parks a proposal that lacks reviewers and tells ops',
      {
        ...common,
        ...mail,
      },
    );
    data.table.grantReadWriteData(waitForOps);

    const reviewBaseUrl = config.reviewBaseUrl;
    const sendReviewTask = make(
      'SendReviewTask',
      'send-review-task',
      'Emails a reviewer a signed review link',
      {
        ...common,
        ...mail,
        SIGNING_SECRET_ARN: data.signingSecret.secretArn,
      },
    );
    data.table.grantReadWriteData(sendReviewTask);
    data.signingSecret.grantRead(sendReviewTask);

    const reassign = make(
      'Reassign',
      'reassign',
      'Releases a declined or timed-out task and picks the next alternate',
      {
        ...common,
        ...mail,
      },
    );
    data.table.grantReadWriteData(reassign);

    const aggregate = make(
      'Aggregate',
      'aggregate',
      "Combines the reviewers' scores into the result",
      common,
    );
    data.table.grantReadWriteData(aggregate);

    const notify = make('Notify', 'notify', 'Tells the submitter (and ops) the outcome', {
      ...common,
      ...mail,
    });
    data.table.grantReadWriteData(notify);

    const recordFailure = make(
      'RecordFailure',
      'record-failure',
      'Records a technical failure with its cause',
      common,
    );
    data.table.grantReadWriteData(recordFailure);

    for (const fn of [waitForOps, sendReviewTask, reassign, notify]) fn.addToRolePolicy(sesSend);

    this.pipeline = new ReviewPipeline(this, 'Pipeline', {
      functions: { validate, assign, waitForOps, sendReviewTask, reassign, aggregate, notify, recordFailure },
      logRetention,
      removalPolicy,
      // Past the latest a task can be due (window + the most `extend` may add) and its grace period.
      reviewTaskTimeout: Duration.days(longestReviewDays(profile.review) + SAFETY_NET_MARGIN_DAYS),
      // A proposal that found no reviewers within a review window is failed rather than left waiting.
      opsWaitTimeout: Duration.days(profile.review.windowDays),
    });
    const { stateMachine } = this.pipeline;

    const intake = make(
      'Intake',
      'intake',
      'Registers each uploaded proposal and starts its review pipeline',
      {
        ...common,
        ...mail,
        STATE_MACHINE_ARN: stateMachine.stateMachineArn,
      },
    );
    data.table.grantReadWriteData(intake);
    stateMachine.grantStartExecution(intake);
    intake.addEventSource(
      new SqsEventSource(data.intakeQueue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency: 10,
      }),
    );

    const review = make('Review', 'review-api', "Serves the review page and applies reviewers' decisions", {
      ...common,
      BUCKET_NAME: data.bucket.bucketName,
      SIGNING_SECRET_ARN: data.signingSecret.secretArn,
    });
    data.table.grantReadWriteData(review);
    data.bucket.grantRead(review, uploads);
    data.signingSecret.grantRead(review);
    stateMachine.grantTaskResponse(review);

    this.api = new HttpApi(this, 'ReviewApi', {
      description: 'Reviewers open their signed links here',
      createDefaultStage: true,
    });
    // Access logs of the default stage. The query string (the link's signature) is deliberately not logged.
    const apiAccessLogs = new LogGroup(this, 'ReviewApiAccessLogs', {
      retention: logRetention,
      removalPolicy,
    });
    const defaultStage = this.api.defaultStage?.node.defaultChild as CfnStage | undefined;
    if (defaultStage) {
      defaultStage.accessLogSettings = {
        destinationArn: apiAccessLogs.logGroupArn,
        format: JSON.stringify({
          requestId: '$context.requestId',
          ip: '$context.identity.sourceIp',
          requestTime: '$context.requestTime',
          httpMethod: '$context.httpMethod',
          routeKey: '$context.routeKey',
          status: '$context.status',
          protocol: '$context.protocol',
          responseLength: '$context.responseLength',
          responseLatency: '$context.responseLatency',
          integrationError: '$context.integrationErrorMessage',
        }),
      };
    }
    const integration = new HttpLambdaIntegration('ReviewIntegration', review);
    this.api.addRoutes({ path: '/review', methods: [HttpMethod.GET, HttpMethod.POST], integration });
    const baseUrl = reviewBaseUrl ?? `${this.api.apiEndpoint}/review`;
    sendReviewTask.addEnvironment('REVIEW_BASE_URL', baseUrl);

    const reminders = make(
      'Reminders',
      'reminders',
      'Sends due-date reminders and ends overdue review tasks',
      {
        ...common,
        ...mail,
        REVIEW_BASE_URL: baseUrl,
        SIGNING_SECRET_ARN: data.signingSecret.secretArn,
      },
    );
    data.table.grantReadWriteData(reminders);
    data.signingSecret.grantRead(reminders);
    stateMachine.grantTaskResponse(reminders);
    reminders.addToRolePolicy(sesSend);
    new Rule(this, 'ReminderSchedule', {
      description: 'Hourly: reminders before/after due dates, timeouts past the grace period',
      schedule: Schedule.rate(Duration.hours(1)),
      targets: [new LambdaFunction(reminders)],
    });

    this.observability = new Observability(this, 'Observability', {
      dashboardName: `Proposals-${config.stage}`,
      opsEmail: config.opsEmail,
      stateMachine,
      deadLetterQueue: data.intakeDlq,
      functions: projectFunctions.map((project) => ({
        fn: project.fn,
        serviceName: project.serviceName,
        label: project.node.id,
      })),
      removalPolicy,
    });

    new CfnOutput(this, 'StateMachineArn', { value: stateMachine.stateMachineArn });
    // The deployed profile, whole, in the template's metadata for the `proposals` CLI (GetTemplate): `assign` and
    // `extend` then follow the rules the functions run with.
    this.templateOptions.metadata = { ...this.templateOptions.metadata, [PROFILE_METADATA_KEY]: profile };
    new CfnOutput(this, 'Profile', {
      value: profile.id,
      description: 'Competition profile the functions run',
    });
    new CfnOutput(this, 'SenderEmail', {
      value: config.senderEmail,
      description: 'SES identity the emails come from',
    });
    new CfnOutput(this, 'ReviewApiUrl', { value: baseUrl });
  }
}
