import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  IntegrationPattern,
  JitterType,
  JsonPath,
  LogLevel,
  Map as MapState,
  Pass,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ROUTED_ERRORS } from '../../functions/lib/contract';

export interface PipelineFunctions {
  validate: IFunction;
  assign: IFunction;
  waitForOps: IFunction;
  sendReviewTask: IFunction;
  reassign: IFunction;
  aggregate: IFunction;
  notify: IFunction;
  recordFailure: IFunction;
}

export interface PipelineProps {
  functions: PipelineFunctions;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  /**
   * Name of the execution log group: under `/aws/vendedlogs/`, so Step Functions' log delivery does not add each
   * group to the account's CloudWatch Logs resource policy (5,120 characters, shared by every stage).
   */
  logGroupName: string;
  /** Safety net on a reviewer's task, beyond the longest extended deadline (reminders end overdue tasks first). */
  reviewTaskTimeout: Duration;
  /** How long a proposal may wait for ops to find reviewers before it is failed. */
  opsWaitTimeout: Duration;
}

/**
 * Lambda refused the invocation for want of concurrency (a flood on the public API, a deadline-day burst): retried
 * for over half an hour with full jitter, longer than such a throttle realistically lasts, before the proposal
 * fails. The sum of the capped intervals is what `test/infra/state-machine.test.ts` holds against.
 *
 * Each wait is capped at a minute rather than five: once the functions have room again, a throttled proposal is
 * back within a minute instead of sleeping up to five while they idle (a 3,000-proposal burst spent ~40 % of its
 * wall time in that tail, BENCHMARKS.md). The price is more retried transitions while a throttle lasts (33 attempts
 * for the same half hour, a fraction of a cent per proposal).
 */
export const THROTTLE_RETRY = {
  errors: ['Lambda.TooManyRequestsException'],
  interval: Duration.seconds(5),
  backoffRate: 2,
  maxAttempts: 33,
  maxDelay: Duration.minutes(1),
} as const;

/** Errors a Lambda may throw for a passing cause (a service fault, a lost race, throttling inside the handler). */
export const TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  // The sandbox died mid-invocation (out of memory, a crash): worth another try.
  'Lambda.Unknown',
  ROUTED_ERRORS.transient,
];

/** The transient errors the short retrier takes (Lambda's throttling has THROTTLE_RETRY). */
const SHORT_RETRY_ERRORS = TRANSIENT_ERRORS.filter(
  (error) => !THROTTLE_RETRY.errors.includes(error as never),
);

/**
 * The proposal's journey: Validate -> (Rejected | AssignReviewers -> [WaitForOps] -> review tasks -> Aggregate ->
 * NotifyResult). Standard workflow, JSONPath, every task with an explicit timeout.
 */
export class ReviewPipeline extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    const fns = props.functions;
    const quickTask = Timeout.duration(Duration.minutes(2));

    const retryThrottles = (task: LambdaInvoke) =>
      task.addRetry({
        errors: [...THROTTLE_RETRY.errors],
        interval: THROTTLE_RETRY.interval,
        backoffRate: THROTTLE_RETRY.backoffRate,
        maxAttempts: THROTTLE_RETRY.maxAttempts,
        maxDelay: THROTTLE_RETRY.maxDelay,
        jitterStrategy: JitterType.FULL,
      });

    const invoke = (
      name: string,
      fn: IFunction,
      payload: Record<string, unknown>,
      resultPath: string | undefined,
    ) => {
      const task = new LambdaInvoke(this, name, {
        lambdaFunction: fn,
        payload: TaskInput.fromObject(payload),
        payloadResponseOnly: true,
        resultPath,
        taskTimeout: quickTask,
        retryOnServiceExceptions: false,
      });
      // The first retrier that names an error applies: Lambda's own throttling gets the long one.
      retryThrottles(task);
      task.addRetry({
        errors: SHORT_RETRY_ERRORS,
        interval: Duration.seconds(2),
        maxAttempts: 5,
        backoffRate: 2,
        maxDelay: Duration.seconds(60),
        jitterStrategy: JitterType.FULL,
      });
      return task;
    };
    const proposalId = { 'proposalId.$': '$.proposalId' };

    const failed = new Fail(this, 'Failed', { error: 'ProposalFailed', causePath: '$.error.Cause' });
    const recordFailure = invoke(
      'RecordFailure',
      fns.recordFailure,
      { ...proposalId, 'error.$': '$.error' },
      JsonPath.DISCARD,
    ).next(failed);
    const catchAll = (task: LambdaInvoke): LambdaInvoke => {
      task.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
      return task;
    };

    const validate = catchAll(
      invoke(
        'Validate',
        fns.validate,
        {
          ...proposalId,
          'bucket.$': '$.bucket',
          'key.$': '$.key',
          'versionId.$': '$.versionId',
          'executionArn.$': '$$.Execution.Id',
        },
        '$.validation',
      ),
    );
    // A submitter's notice never fails the proposal: a refusal SES will not lift soon is recorded by Notify
    // itself; a passing fault that outlasts the retries goes to `<notice>Undelivered`, which records it on the
    // proposal, reports it to ops and goes on where the notice would have.
    const notice = (name: string, kind: 'received' | 'rejected' | 'result') => {
      const task = invoke(name, fns.notify, { kind, ...proposalId }, JsonPath.DISCARD);
      const undelivered = catchAll(
        invoke(
          `${name}Undelivered`,
          fns.notify,
          { kind: 'undelivered', notice: kind, ...proposalId, 'error.$': '$.noticeError' },
          JsonPath.DISCARD,
        ),
      );
      task.addCatch(undelivered, { errors: TRANSIENT_ERRORS, resultPath: '$.noticeError' });
      catchAll(task);
      return { task, undelivered };
    };
    const rejectedEnd = new Succeed(this, 'Rejected');
    const rejectedNotice = notice('NotifyRejected', 'rejected');
    rejectedNotice.undelivered.next(rejectedEnd);
    const notifyRejected = rejectedNotice.task.next(rejectedEnd);

    const receivedNotice = notice('NotifyReceived', 'received');
    const notifyReceived = receivedNotice.task;
    const assign = catchAll(invoke('AssignReviewers', fns.assign, proposalId, '$.assignment'));

    const waitForOps = new LambdaInvoke(this, 'WaitForOps', {
      lambdaFunction: fns.waitForOps,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({
        ...proposalId,
        'gap.$': '$.assignment.gap',
        taskToken: JsonPath.taskToken,
      }),
      resultPath: JsonPath.DISCARD,
      taskTimeout: Timeout.duration(props.opsWaitTimeout),
      retryOnServiceExceptions: false,
    });
    retryThrottles(waitForOps);
    waitForOps.addRetry({
      errors: SHORT_RETRY_ERRORS,
      interval: Duration.seconds(2),
      maxAttempts: 5,
      backoffRate: 2,
      jitterStrategy: JitterType.FULL,
    });
    catchAll(waitForOps);

    // One reviewer's task: email with a signed link, wait for the decision, reassign on decline or timeout, or
    // hand the seat to the reviewer a batch re-plan moved it to.
    const sendReviewTask = new LambdaInvoke(this, 'SendReviewTask', {
      lambdaFunction: fns.sendReviewTask,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({
        'proposalId.$': '$.proposalId',
        'reviewerId.$': '$.reviewerId',
        'proposalStatus.$': '$.proposalStatus',
        taskToken: JsonPath.taskToken,
      }),
      taskTimeout: Timeout.duration(props.reviewTaskTimeout),
      retryOnServiceExceptions: false,
    });
    retryThrottles(sendReviewTask);
    sendReviewTask.addRetry({
      errors: SHORT_RETRY_ERRORS,
      interval: Duration.seconds(2),
      maxAttempts: 5,
      backoffRate: 2,
      jitterStrategy: JitterType.FULL,
    });
    // The result replaces the state (no ResultPath: "$" is the default; the local interpreter mishandles an
    // explicit "$").
    const reassign = invoke(
      'Reassign',
      fns.reassign,
      { 'proposalId.$': '$.proposalId', 'reviewerId.$': '$.reviewerId', 'error.$': '$.error' },
      undefined,
    );
    const unfilled = new Pass(this, 'Unfilled', {
      parameters: { 'proposalId.$': '$.proposalId', status: 'UNFILLED' },
    });
    sendReviewTask.addCatch(reassign, {
      errors: [
        ROUTED_ERRORS.reviewDeclined,
        ROUTED_ERRORS.reviewTimedOut,
        ROUTED_ERRORS.reviewMoved,
        'States.Timeout',
      ],
      resultPath: '$.error',
    });
    reassign.next(
      new Choice(this, 'HasReplacement')
        .when(Condition.isPresent('$.reviewerId'), sendReviewTask)
        .otherwise(unfilled),
    );
    const reviewTasks = new MapState(this, 'ReviewTasks', {
      itemsPath: '$.assignment.tasks',
      resultPath: '$.reviews',
      maxConcurrency: 0,
    });
    reviewTasks.itemProcessor(sendReviewTask);
    reviewTasks.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });

    const aggregate = catchAll(invoke('Aggregate', fns.aggregate, proposalId, '$.result'));
    const reviewedEnd = new Succeed(this, 'Reviewed');
    const resultNotice = notice('NotifyResult', 'result');
    resultNotice.undelivered.next(reviewedEnd);
    const notifyResult = resultNotice.task.next(reviewedEnd);

    const definition = validate.next(
      new Choice(this, 'IsValid')
        .when(Condition.booleanEquals('$.validation.valid', true), notifyReceived.next(assign))
        .otherwise(notifyRejected),
    );
    receivedNotice.undelivered.next(assign);
    assign.next(
      new Choice(this, 'HasReviewers')
        .when(Condition.booleanEquals('$.assignment.complete', true), reviewTasks)
        .otherwise(waitForOps),
    );
    waitForOps.next(assign);
    reviewTasks.next(aggregate);
    aggregate.next(
      new Choice(this, 'EnoughReviews')
        .when(Condition.booleanEquals('$.result.enough', true), notifyResult)
        .otherwise(assign),
    );

    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: props.logGroupName,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(definition),
      stateMachineType: StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: { destination: logGroup, level: LogLevel.ERROR, includeExecutionData: false },
      comment: 'Proposal review pipeline: validate, assign reviewers, collect reviews, notify',
    });
  }
}
