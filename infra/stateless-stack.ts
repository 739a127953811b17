import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { INDEXES, type IndexName, UPLOAD_PREFIX } from '../functions/lib/contract';
import {
  longestReviewDays,
  PROFILE_METADATA_KEY,
  type Profile,
  submissionsClose,
} from '../functions/lib/profile';
import type { StageConfig } from './config';
import { ProjectFunction } from './constructs/lambda';
import { Observability } from './constructs/observability';
import { ReviewPipeline } from './constructs/pipeline';
import { SubmittersPortal } from './constructs/portal';
import { API_THROTTLE, INTAKE_TIMEOUT, REMINDERS_TIMEOUT } from './limits';
import type { StatefulStack } from './stateful-stack';

/**
 * Slack of the Step Functions safety net beyond the last moment a review task can still be open (the hourly sweep
 * ends an overdue task first; this leaves it a day, sweeps that failed included).
 */
export const SAFETY_NET_MARGIN_DAYS = 1;

/** What a role may do on the table: item actions (a transaction's parts included) and where it may Query. */
export interface TableAccess {
  items: ReadonlyArray<'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem'>;
  /** Query on the table itself (a proposal's items by key). */
  queryTable?: boolean;
  queryIndexes?: readonly IndexName[];
}

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
    // Log groups (and the alarm topic's key) outlive a destroyed stage where its data does (prod).
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const common = {
      TABLE_NAME: data.table.tableName,
      // The bundles carry the profile itself; the id names it in logs and errors.
      PROFILE: profile.id,
    };
    // When submissions close, where the deployment says so (else the end of the profile's deadline day in its time
    // zone, computed here once rather than at every cold start): intake and the portal.
    const season = {
      SUBMISSIONS_CLOSE_AT: config.submissionsCloseAt ?? submissionsClose(profile).toISOString(),
    };
    // What the mail adapter reads; OPS_EMAIL only for the functions that write to ops.
    const sender = {
      SENDER_EMAIL: config.senderEmail,
      ...(config.replyToEmail ? { REPLY_TO_EMAIL: config.replyToEmail } : {}),
    };
    const mail = { ...sender, OPS_EMAIL: config.opsEmail };
    const projectFunctions: ProjectFunction[] = [];
    const make = (
      id: string,
      entry: string,
      description: string,
      environment: Record<string, string>,
      extra: { timeout?: Duration; memorySize?: number; internetFacing?: boolean } = {},
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
    // Least privilege on the table: each role gets the item actions its handler's code sends (a transaction needs
    // the actions of its parts) and Query only where it queries, on the table or the named indexes. No Scan,
    // BatchWriteItem or DeleteItem except where the code calls them.
    const tableAccess = (fn: IFunction, access: TableAccess) => {
      const statement = new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...access.items, ...(access.queryTable ? ['Query' as const] : [])].map(
          (a) => `dynamodb:${a}`,
        ),
        resources: [data.table.tableArn],
      });
      fn.addToRolePolicy(statement);
      if (access.queryIndexes?.length) {
        fn.addToRolePolicy(
          new PolicyStatement({
            effect: Effect.ALLOW,
            actions: ['dynamodb:Query'],
            resources: access.queryIndexes.map((index) => `${data.table.tableArn}/index/${index}`),
          }),
        );
      }
    };
    // Reads a proposal's uploaded file by key and version (HeadObject needs GetObject); nothing can be listed.
    const readUploads = (fn: IFunction) =>
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: [data.bucket.arnForObjects(uploads)],
        }),
      );

    // SES authorises SendEmail against every identity the message involves: the sender's (address or domain)
    // and, while the account is in the SES sandbox, each recipient's too. So the grant names identities in
    // general and pins the sender with ses:FromAddress: these functions can send only as the configured sender.
    const sesSend = new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resources: [
        `arn:${this.partition}:ses:${this.region}:${this.account}:identity/*`,
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
    // Reads the uploading agency and whether the agency registry is kept (one item of the listings index).
    tableAccess(validate, {
      items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
      queryIndexes: [INDEXES.listings],
    });
    readUploads(validate);

    const assign = make('Assign', 'assign', 'Reserves conflict-free reviewers for a proposal', common, {
      timeout: Duration.minutes(1),
    });
    tableAccess(assign, {
      items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'],
      queryTable: true,
      queryIndexes: [INDEXES.listings],
    });

    const waitForOps = make(
      'WaitForOps',
      'wait-for-ops',
      'Parks a proposal that lacks reviewers and tells ops',
      {
        ...common,
        ...mail,
      },
    );
    tableAccess(waitForOps, { items: ['GetItem', 'PutItem', 'UpdateItem'] });

    const reviewBaseUrl = config.reviewBaseUrl;
    const sendReviewTask = make(
      'SendReviewTask',
      'send-review-task',
      'Emails a reviewer a signed review link',
      {
        ...common,
        ...sender,
        SIGNING_SECRET_ARN: data.signingSecret.secretArn,
      },
    );
    tableAccess(sendReviewTask, { items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] });
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
    tableAccess(reassign, { items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'], queryTable: true });

    const aggregate = make(
      'Aggregate',
      'aggregate',
      "Combines the reviewers' scores into the result",
      common,
    );
    tableAccess(aggregate, { items: ['GetItem', 'PutItem', 'UpdateItem'], queryTable: true });

    const notify = make('Notify', 'notify', 'Tells the submitter (and ops) the outcome', {
      ...common,
      ...mail,
    });
    tableAccess(notify, { items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'], queryTable: true });

    const recordFailure = make(
      'RecordFailure',
      'record-failure',
      'Records a technical failure with its cause',
      common,
    );
    tableAccess(recordFailure, { items: ['GetItem', 'PutItem', 'UpdateItem'] });

    for (const fn of [waitForOps, sendReviewTask, reassign, notify]) fn.addToRolePolicy(sesSend);

    this.pipeline = new ReviewPipeline(this, 'Pipeline', {
      functions: { validate, assign, waitForOps, sendReviewTask, reassign, aggregate, notify, recordFailure },
      logRetention,
      removalPolicy,
      logGroupName: `/aws/vendedlogs/states/proposals-${config.stage}-pipeline`,
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
        ...season,
        STATE_MACHINE_ARN: stateMachine.stateMachineArn,
      },
      { timeout: INTAKE_TIMEOUT },
    );
    tableAccess(intake, { items: ['GetItem', 'PutItem', 'UpdateItem'] });
    stateMachine.grantStartExecution(intake);
    intake.addEventSource(
      new SqsEventSource(data.intakeQueue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency: 10,
      }),
    );

    const review = make(
      'Review',
      'review-api',
      "Serves the review page and applies reviewers' decisions",
      {
        ...common,
        BUCKET_NAME: data.bucket.bucketName,
        SIGNING_SECRET_ARN: data.signingSecret.secretArn,
      },
      { internetFacing: true },
    );
    tableAccess(review, {
      items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'],
      queryIndexes: [INDEXES.byReviewId],
    });
    readUploads(review);
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
      // A flood of requests is refused at the stage (429) before it reaches a function.
      defaultStage.defaultRouteSettings = {
        throttlingRateLimit: API_THROTTLE.rateLimit,
        throttlingBurstLimit: API_THROTTLE.burstLimit,
      };
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
    // The portal lives beside the review page, on the same API (or the same custom domain).
    const portalBaseUrl = reviewBaseUrl
      ? new URL('/portal', reviewBaseUrl).toString()
      : `${this.api.apiEndpoint}/portal`;
    const portal = new SubmittersPortal(this, 'Portal', {
      api: this.api,
      data,
      profile,
      environment: { ...common, ...season },
      baseUrl: portalBaseUrl,
      logRetention,
      removalPolicy,
      tableAccess,
    });
    projectFunctions.push(portal.project);
    sendReviewTask.addEnvironment('REVIEW_BASE_URL', baseUrl);

    const reminders = make(
      'Reminders',
      'reminders',
      'Sends due-date reminders and ends overdue review tasks',
      {
        ...common,
        ...sender,
        REVIEW_BASE_URL: baseUrl,
        SIGNING_SECRET_ARN: data.signingSecret.secretArn,
      },
      // Sized for a season's open tasks (3,000 proposals x 3 reviewers) on reminder day: see BENCHMARKS.md (sweep);
      // the sweep stops taking tasks a minute before this and the next hourly sweep goes on.
      { timeout: REMINDERS_TIMEOUT },
    );
    tableAccess(reminders, {
      items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'],
      queryIndexes: [INDEXES.listings],
    });
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
    new CfnOutput(this, 'PortalUrl', {
      value: portalBaseUrl,
      description: "The submitters' portal (agencies open it from their signed invitation)",
    });
  }
}
