import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../config';
import { ROUTED_ERRORS } from '../contract';
import { isStaleTaskToken } from '../errors';
import { logger } from '../lambda';
import { DECIDED_REVIEW_STATUSES, type ReviewTask } from '../model';
import { dynamo } from './aws/dynamodb';
import { sfn } from './aws/sfn';
import { spendTaskToken } from './review-tasks';

/** True when the task is decided but the execution has not been told yet. */
export function awaitsDelivery(task: ReviewTask & { token?: string }): boolean {
  return task.token !== undefined && DECIDED_REVIEW_STATUSES.includes(task.status);
}

/** Sends the execution the answer the task's status stands for. */
function answer(client: SFNClient, task: ReviewTask & { token: string }): Promise<unknown> {
  if (task.status === 'SUBMITTED') {
    return client.send(
      new SendTaskSuccessCommand({
        taskToken: task.token,
        output: JSON.stringify({ reviewerId: task.reviewerId, status: 'SUBMITTED', score: task.score }),
      }),
    );
  }
  const failure =
    task.status === 'DECLINED'
      ? new SendTaskFailureCommand({
          taskToken: task.token,
          error: ROUTED_ERRORS.reviewDeclined,
          cause: (task.declineReason ?? '').slice(0, 256),
        })
      : task.status === 'REASSIGNED'
        ? new SendTaskFailureCommand({
            taskToken: task.token,
            error: ROUTED_ERRORS.reviewMoved,
            cause: `Moved to ${task.movedTo ?? 'another reviewer'} by a batch re-plan`,
          })
        : new SendTaskFailureCommand({
            taskToken: task.token,
            error: ROUTED_ERRORS.reviewTimedOut,
            cause: `Due ${task.dueAt}`,
          });
  return client.send(failure);
}

/** The clients and table a delivery uses: the Lambda's own by default, the CLI's when ops apply a re-plan. */
export interface DeliveryDeps {
  sfn: SFNClient;
  doc: DynamoDBDocumentClient;
  table: string;
}

/**
 * Tells the execution waiting on a decided task's token what was decided (submitted scores, a decline, a
 * timeout), then spends the token. The decision itself was recorded first, by one conditional write, so the
 * execution only ever hears about a transition that happened, and whoever records it owns its notes and
 * metrics. Safe to repeat: a token the execution no longer waits on is simply spent. Used by the review page,
 * the hourly sweep (so a decision is never lost when Step Functions was unreachable at that moment) and
 * `proposals plan --live --apply` (a moved task).
 */
export async function deliverDecision(
  task: ReviewTask & { token?: string },
  deps?: DeliveryDeps,
): Promise<'delivered' | 'stale' | 'nothing'> {
  if (!task.token || !awaitsDelivery(task)) return 'nothing';
  let outcome: 'delivered' | 'stale' = 'delivered';
  try {
    await answer(deps?.sfn ?? sfn, { ...task, token: task.token });
  } catch (error) {
    if (!isStaleTaskToken(error)) throw error;
    outcome = 'stale';
    logger.warn('The execution no longer waits for this task', {
      proposalId: task.proposalId,
      error: (error as Error).name,
    });
  }
  await spendTaskToken(deps?.doc ?? dynamo, deps?.table ?? requireEnv('TABLE_NAME'), task, task.token);
  return outcome;
}

/**
 * Starts an execution of the state machine named `name`, with `input` as its JSON input, and returns its ARN.
 * Safe to repeat: an execution of that name that exists already counts as started (the name is derived from the
 * input, so the same name with another input does not happen) and its ARN is returned.
 */
export async function startExecution(options: {
  stateMachineArn: string;
  name: string;
  input: unknown;
}): Promise<string> {
  const { stateMachineArn, name, input } = options;
  const arn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  try {
    const out = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
    );
    return out.executionArn ?? arn;
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    return arn;
  }
}

/**
 * Lets an execution parked in WaitForOps (NEEDS_REVIEWERS) run its assignment again: answers the token it
 * waits on. `client` is the caller's Step Functions client (the CLI has its own).
 */
export async function resumeAssignment(client: SFNClient, opsToken: string): Promise<void> {
  await client.send(
    new SendTaskSuccessCommand({ taskToken: opsToken, output: JSON.stringify({ resumedBy: 'ops' }) }),
  );
}
