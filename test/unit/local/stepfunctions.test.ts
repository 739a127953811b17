/**
 * The review task's safety net is longer than Node's longest timer (~24.8 days): the local Step Functions adapter
 * caps it, so the task still waits for its reviewer instead of timing out at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../../local/stepfunctions';

const DAY_SECONDS = 86_400;
const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:review';
const NODE_TIMER_LIMIT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

function reviewMachine(timeoutSeconds: number) {
  return {
    StartAt: 'SendReviewTask',
    States: {
      SendReviewTask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:send-review-task',
          Payload: { 'proposalId.$': '$.proposalId', 'taskToken.$': '$$.Task.Token' },
        },
        TimeoutSeconds: timeoutSeconds,
        End: true,
      },
    },
  };
}

let sfn: LocalStepFunctions | undefined;
afterEach(async () => {
  await sfn?.stop();
  sfn = undefined;
});

describe('a review task longer than a Node timer, locally', () => {
  it('is capped at the timer limit, and the runtime says so', () => {
    sfn = new LocalStepFunctions({ invokeLambda: async () => ({}) });
    const longest = (14 + 60 + 2 + 1) * DAY_SECONDS;
    expect(sfn.register(MACHINE, reviewMachine(longest))).toEqual([
      `SendReviewTask: TimeoutSeconds ${longest} -> ${NODE_TIMER_LIMIT_SECONDS} (local timer limit)`,
    ]);
    expect(sfn.register(`${MACHINE}-short`, reviewMachine(7 * DAY_SECONDS))).toEqual([]);
  });

  it('keeps waiting for the reviewer and completes on their answer', async () => {
    const tokens: string[] = [];
    sfn = new LocalStepFunctions({
      invokeLambda: async (_arn, payload) => {
        tokens.push((payload as { taskToken: string }).taskToken);
        return {};
      },
    });
    sfn.register(MACHINE, reviewMachine((14 + 60 + 2 + 1) * DAY_SECONDS));
    const execution = sfn.startExecution(MACHINE, 'p1', JSON.stringify({ proposalId: 'p1' }));
    for (let i = 0; i < 100 && sfn.pendingTasks().length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(sfn.pendingTasks()).toEqual([
      { executionArn: execution.executionArn, stateName: 'SendReviewTask' },
    ]);
    // An overflowing timer would have fired by now (Node runs it after 1 ms).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(execution.status).toBe('RUNNING');

    sfn.sendTaskSuccess(tokens[0] ?? '', JSON.stringify({ status: 'SUBMITTED' }));
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? 'null')).toEqual({ status: 'SUBMITTED' });
  });
});
