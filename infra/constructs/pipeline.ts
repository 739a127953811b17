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
  /** Safety net on a reviewer's task, beyond the longest extended deadline (reminders end overdue tasks first). */
  reviewTaskTimeout: Duration;
  /** How long a proposal may wait for ops to find reviewers before it is failed. */
  opsWaitTimeout: Duration;
}

/** Errors a Lambda may throw for a passing cause (throttling, a lost race): retried with full jitter. */
export const TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  // The sandbox died mid-invocation (out of memory, a crash): worth another try.
  'Lambda.Unknown',
  ROUTED_ERRORS.transient,
];

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
      task.addRetry({
        errors: TRANSIENT_ERRORS,
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
        { ...proposalId, 'bucket.$': '$.bucket', 'key.$': '$.key', 'versionId.$': '$.versionId' },
        '$.validation',
      ),
    );
    const notifyRejected = catchAll(
      invoke('NotifyRejected', fns.notify, { kind: 'rejected', ...proposalId }, JsonPath.DISCARD),
    ).next(new Succeed(this, 'Rejected'));

    const notifyReceived = catchAll(
      invoke('NotifyReceived', fns.notify, { kind: 'received', ...proposalId }, JsonPath.DISCARD),
    );
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
    waitForOps.addRetry({
      errors: TRANSIENT_ERRORS,
      interval: Duration.seconds(2),
      maxAttempts: 5,
      backoffRate: 2,
      jitterStrategy: JitterType.FULL,
    });
    catchAll(waitForOps);

    // One reviewer's task: email with a signed link, wait for the decision, reassign on decline or timeout.
    const sendReviewTask = new LambdaInvoke(this, 'SendReviewTask', {
      lambdaFunction: fns.sendReviewTask,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({
        'proposalId.$': '$.proposalId',
        'reviewerId.$': '$.reviewerId',
        taskToken: JsonPath.taskToken,
      }),
      taskTimeout: Timeout.duration(props.reviewTaskTimeout),
      retryOnServiceExceptions: false,
    });
    sendReviewTask.addRetry({
      errors: TRANSIENT_ERRORS,
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
      errors: [ROUTED_ERRORS.reviewDeclined, ROUTED_ERRORS.reviewTimedOut, 'States.Timeout'],
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
    const notifyResult = catchAll(
      invoke('NotifyResult', fns.notify, { kind: 'result', ...proposalId }, JsonPath.DISCARD),
    ).next(new Succeed(this, 'Reviewed'));

    const definition = validate.next(
      new Choice(this, 'IsValid')
        .when(Condition.booleanEquals('$.validation.valid', true), notifyReceived.next(assign))
        .otherwise(notifyRejected),
    );
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
