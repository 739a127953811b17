/**
 * The review task's safety net is longer than Node's longest timer (~24.8 days): the local Step Functions adapter
 * caps it, so the task still waits for its reviewer instead of timing out at once.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LambdaError, LambdaHost, THROTTLE_ERROR } from '../../../local/lambdas';
import { LocalStepFunctions } from '../../../local/stepfunctions';

const DAY_SECONDS = 86_400;
const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:review';
const NODE_TIMER_LIMIT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** A review task state: invokes send-review-task with `payload` and the task token, then waits for it. */
function sendReviewTaskState(timeoutSeconds: number, payload: Record<string, string>) {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
    Parameters: {
      FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:send-review-task',
      Payload: { ...payload, 'taskToken.$': '$$.Task.Token' },
    },
    TimeoutSeconds: timeoutSeconds,
    End: true,
  };
}

function reviewMachine(timeoutSeconds: number) {
  return {
    StartAt: 'SendReviewTask',
    States: { SendReviewTask: sendReviewTaskState(timeoutSeconds, { 'proposalId.$': '$.proposalId' }) },
  };
}

/** Registering validates the definition (asl-validator compiles its schemas: seconds on a busy machine). */
const VALIDATES = 30_000;

let sfn: LocalStepFunctions | undefined;
afterEach(async () => {
  await sfn?.stop();
  sfn = undefined;
});

describe('a review task longer than a Node timer, locally', () => {
  it(
    'is capped at the timer limit, and the runtime says so',
    () => {
      sfn = new LocalStepFunctions({ invokeLambda: async () => ({}) });
      const longest = (14 + 60 + 2 + 1) * DAY_SECONDS;
      expect(sfn.register(MACHINE, reviewMachine(longest))).toEqual([
        `SendReviewTask: TimeoutSeconds ${longest} -> ${NODE_TIMER_LIMIT_SECONDS} (local timer limit)`,
      ]);
      expect(sfn.register(`${MACHINE}-short`, reviewMachine(7 * DAY_SECONDS))).toEqual([]);
    },
    VALIDATES,
  );

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

describe('one registered state machine, many executions', () => {
  it('counts an execution whose task Lambda still runs as busy, not as waiting on a person', async () => {
    let answer: (() => void) | undefined;
    sfn = new LocalStepFunctions({
      invokeLambda: () => new Promise((resolve) => (answer = () => resolve({}))),
    });
    sfn.register(MACHINE, reviewMachine(7 * DAY_SECONDS));
    sfn.startExecution(MACHINE, 'p1', JSON.stringify({ proposalId: 'p1' }));
    for (let i = 0; i < 100 && !answer; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sfn.running()).toEqual({ running: 1, waitingOnPeople: 0 });
    answer?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sfn.running()).toEqual({ running: 1, waitingOnPeople: 1 });
  });

  it(
    'refuses an invalid definition when it is registered, not at its first execution',
    () => {
      sfn = new LocalStepFunctions({ invokeLambda: async () => ({}) });
      const broken = { StartAt: 'Missing', States: { Done: { Type: 'Succeed' } } };
      expect(() => sfn?.register(MACHINE, broken)).toThrow(/definition is invalid/);
      expect(sfn.has(MACHINE)).toBe(false);
    },
    VALIDATES,
  );

  it('keeps each execution apart: its own input, execution id and task token', async () => {
    const sent = new Map<string, string>();
    sfn = new LocalStepFunctions({
      invokeLambda: async (_arn, payload) => {
        const { proposalId, taskToken } = payload as { proposalId: string; taskToken: string };
        sent.set(proposalId, taskToken);
        return {};
      },
    });
    sfn.register(MACHINE, reviewMachine(7 * DAY_SECONDS));
    const names = ['p1', 'p2', 'p3'];
    const executions = names.map((name) =>
      sfn?.startExecution(MACHINE, name, JSON.stringify({ proposalId: name })),
    );
    for (let i = 0; i < 100 && sent.size < names.length; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(new Set(sent.values()).size).toBe(names.length);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sfn.running()).toEqual({ running: 3, waitingOnPeople: 3 });
    // Answer in reverse order: each token completes its own execution only.
    for (const name of [...names].reverse()) {
      sfn.sendTaskSuccess(sent.get(name) ?? '', JSON.stringify({ answered: name }));
    }
    await Promise.all(executions.map((e) => e?.done));
    expect(sfn.running()).toEqual({ running: 0, waitingOnPeople: 0 });
    expect(executions.map((e) => [e?.name, e?.status, JSON.parse(e?.output ?? 'null')])).toEqual(
      names.map((name) => [name, 'SUCCEEDED', { answered: name }]),
    );
  });
});

/** A Lambda task with a throttle retrier, as infra/constructs/pipeline.ts gives each task (without jitter). */
function throttledMachine(timeoutSeconds: number, maxAttempts: number) {
  return {
    StartAt: 'Call',
    States: {
      Call: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'local-Sandbox', 'Payload.$': '$' },
        OutputPath: '$.Payload',
        TimeoutSeconds: timeoutSeconds,
        Retry: [
          {
            ErrorEquals: [THROTTLE_ERROR],
            IntervalSeconds: 1,
            BackoffRate: 1,
            MaxAttempts: maxAttempts,
          },
        ],
        End: true,
      },
    },
  };
}

describe('a Lambda task refused for want of concurrency', () => {
  it(
    'is retried by its retrier, and the refused attempts and the backoff do not count against TimeoutSeconds',
    async () => {
      let calls = 0;
      sfn = new LocalStepFunctions({
        invokeLambda: async () => {
          calls += 1;
          await new Promise((resolve) => setTimeout(resolve, 400));
          if (calls <= 2) throw new LambdaError(THROTTLE_ERROR, 'Rate Exceeded.', 'local-Sandbox');
          return { done: calls };
        },
      });
      sfn.register(MACHINE, throttledMachine(1, 3));
      const started = Date.now();
      const execution = sfn.startExecution(MACHINE, 'p1', JSON.stringify({ proposalId: 'p1' }));
      await execution.done;
      // 3 attempts of 0.4 s and two backoffs of 1 s: well past the state's 1 s, yet each attempt was within it.
      expect(Date.now() - started).toBeGreaterThan(2_000);
      expect(execution.status).toBe('SUCCEEDED');
      expect(JSON.parse(execution.output ?? 'null')).toEqual({ done: 3 });
      expect(sfn.throttles.get('Call')).toBe(2);
      expect(sfn.transitions.get('Call')).toBe(1);
      expect(sfn.maxThrottleStreak).toBe(2);
    },
    VALIDATES,
  );

  it(
    'paces executions through a busy local Lambda: every one succeeds, some after throttles',
    async () => {
      const file = fileURLToPath(new URL('../../fixtures/lambda/sandbox.mjs', import.meta.url));
      const host = new LambdaHost(
        [
          {
            name: 'local-Sandbox',
            logicalId: 'Sandbox',
            file,
            handlerName: 'handler',
            environment: {},
            timeoutSeconds: 10,
            memorySize: 128,
          },
        ],
        {},
        { maxConcurrency: 1 },
      );
      try {
        sfn = new LocalStepFunctions({
          invokeLambda: (arn, payload) => host.invoke(arn, payload, { atLimit: 'throttle' }),
        });
        sfn.register(MACHINE, throttledMachine(2, 10));
        const executions = ['p1', 'p2', 'p3', 'p4'].map((name) =>
          sfn?.startExecution(MACHINE, name, JSON.stringify({ sleepMs: 200 })),
        );
        await Promise.all(executions.map((e) => e?.done));
        expect(executions.map((e) => e?.status)).toEqual([
          'SUCCEEDED',
          'SUCCEEDED',
          'SUCCEEDED',
          'SUCCEEDED',
        ]);
        const stats = host.stats.get('local-Sandbox');
        // One sandbox and a line of one: two run or wait, two are refused at first.
        expect(stats?.throttles).toBeGreaterThanOrEqual(2);
        expect(stats?.invocations).toBe(4);
        expect(sfn.throttles.get('Call')).toBe(stats?.throttles);
        expect(sfn.transitions.get('Call')).toBe(4);
      } finally {
        await host.stop();
      }
    },
    VALIDATES,
  );
});

/**
 * An execution with two review tasks (items a and b) in a Map: b's first `failures` attempts fail with `error`;
 * the state retries throttles (3 times) and `TransientError` (`transientAttempts` times), and a failure no
 * retrier takes ends b's branch in Unfilled.
 */
function twoReviewTasks(error: () => Error, failures: number, transientAttempts = 2) {
  const tokens = new Map<string, string>();
  let failedB = 0;
  sfn = new LocalStepFunctions({
    invokeLambda: async (_arn, payload) => {
      const { item, taskToken } = payload as { item: string; taskToken: string };
      if (item === 'b' && failedB < failures) {
        failedB += 1;
        throw error();
      }
      tokens.set(item, taskToken);
      return {};
    },
  });
  sfn.register(MACHINE, {
    StartAt: 'Tasks',
    States: {
      Tasks: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: {
          StartAt: 'SendReviewTask',
          States: {
            SendReviewTask: {
              ...sendReviewTaskState(60, { 'item.$': '$' }),
              Retry: [
                { ErrorEquals: [THROTTLE_ERROR], IntervalSeconds: 1, MaxAttempts: 3 },
                { ErrorEquals: ['TransientError'], IntervalSeconds: 1, MaxAttempts: transientAttempts },
              ],
              Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Unfilled' }],
            },
            Unfilled: { Type: 'Pass', End: true },
          },
        },
        End: true,
      },
    },
  });
  const execution = sfn.startExecution(MACHINE, 'p1', JSON.stringify({ items: ['a', 'b'] }));
  return { execution, tokens, failedB: () => failedB };
}

async function until(condition: () => boolean, ms = 3_000): Promise<void> {
  for (let waited = 0; waited < ms && !condition(); waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('an execution whose task waits out a retrier while another waits on a reviewer', () => {
  it.each([
    ['throttled', () => new LambdaError(THROTTLE_ERROR, 'Rate Exceeded.', 'send-review-task')],
    ['failed with a transient error', () => new LambdaError('TransientError', 'Busy', 'send-review-task')],
  ])(
    'counts as busy when %s until the retry sent the task (the runtime does not settle during the backoff)',
    async (_, error) => {
      const { execution, tokens, failedB } = twoReviewTasks(error, 1);
      await until(() => tokens.has('a') && failedB() === 1);
      // a waits on its reviewer; b sleeps in its retrier's backoff (up to a second): busy.
      expect(sfn?.running()).toEqual({ running: 1, waitingOnPeople: 0 });
      await until(() => tokens.has('b'));
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(sfn?.running()).toEqual({ running: 1, waitingOnPeople: 1 });
      for (const item of ['a', 'b']) sfn?.sendTaskSuccess(tokens.get(item) ?? '', JSON.stringify({ item }));
      await execution.done;
      expect(execution.status).toBe('SUCCEEDED');
      expect(sfn?.transitions.get('SendReviewTask')).toBe(error().name === THROTTLE_ERROR ? 2 : 3);
      expect(sfn?.throttles.get('SendReviewTask') ?? 0).toBe(error().name === THROTTLE_ERROR ? 1 : 0);
    },
    VALIDATES,
  );

  it(
    'waits only on people once the retrier gave up and the catcher took the error',
    async () => {
      const error = () => new LambdaError('TransientError', 'The table was busy', 'send-review-task');
      const { execution, tokens, failedB } = twoReviewTasks(error, 5, 1);
      await until(() => tokens.has('a') && failedB() === 2);
      await new Promise((resolve) => setTimeout(resolve, 50));
      // b was tried twice (once retried) and ended Unfilled; only a's reviewer is awaited.
      expect(failedB()).toBe(2);
      expect(sfn?.running()).toEqual({ running: 1, waitingOnPeople: 1 });
      sfn?.sendTaskSuccess(tokens.get('a') ?? '', JSON.stringify({ item: 'a' }));
      await execution.done;
      expect(execution.status).toBe('SUCCEEDED');
      expect(JSON.parse(execution.output ?? 'null')).toEqual([
        { item: 'a' },
        { Error: 'TransientError', Cause: 'The table was busy' },
      ]);
    },
    VALIDATES,
  );
});
