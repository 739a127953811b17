import { beforeAll, describe, expect, it } from 'vitest';
import { THROTTLE_RETRY, TRANSIENT_ERRORS } from '../../infra/constructs/pipeline';
import { type BuiltApp, buildApp, type Json, properties, render, resourcesOfType } from './support';

interface State extends Json {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Retry?: { ErrorEquals: string[]; JitterStrategy?: string; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
  Parameters?: Json;
  ItemsPath?: string;
  ItemProcessor?: { StartAt: string; States: Record<string, State> };
  Iterator?: { StartAt: string; States: Record<string, State> };
}
interface Definition {
  StartAt: string;
  States: Record<string, State>;
  QueryLanguage?: string;
}

let built: BuiltApp;
let machine: Json;
let definition: Definition;
/** Every state, with the name of the Map it runs in (undefined at the top level). */
let states: { name: string; state: State; inMap?: string }[];

beforeAll(() => {
  built = buildApp();
  const machines = resourcesOfType(built.logicTemplate, 'AWS::StepFunctions::StateMachine');
  expect(machines).toHaveLength(1);
  machine = properties(machines[0]?.[1] ?? {});
  // Function ARNs are Fn::GetAtt inside Fn::Join: render them as placeholder ARNs, then parse the ASL.
  definition = JSON.parse(render(machine.DefinitionString)) as Definition;
  states = [];
  const collect = (all: Record<string, State>, inMap?: string) => {
    for (const [name, state] of Object.entries(all)) {
      states.push({ name, state, inMap });
      const inner = state.ItemProcessor ?? state.Iterator;
      if (inner) collect(inner.States, name);
    }
  };
  collect(definition.States);
});

const tasks = () => states.filter(({ state }) => state.Type === 'Task');
const named = (name: string): State => {
  const found = states.find((s) => s.name === name);
  if (!found) throw new Error(`No state ${name}`);
  return found.state;
};

describe('review pipeline state machine', () => {
  it('is a Standard workflow in JSONPath, traced, logging errors without execution data', () => {
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(
      states.every(({ state }) => state.QueryLanguage === undefined || state.QueryLanguage === 'JSONPath'),
    ).toBe(true);
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    const logging = machine.LoggingConfiguration as Json;
    expect(logging.Level).toBe('ERROR');
    expect(logging.IncludeExecutionData).toBe(false);
    const destinations = logging.Destinations as { CloudWatchLogsLogGroup: { LogGroupArn: unknown } }[];
    expect(destinations).toHaveLength(1);
    const arn = destinations[0]?.CloudWatchLogsLogGroup.LogGroupArn as { 'Fn::GetAtt': string[] };
    const groupId = arn['Fn::GetAtt'][0];
    expect(properties(built.logicTemplate.toJSON().Resources[groupId as string]).RetentionInDays).toBe(30);
  });

  it("gives Validate the upload and the execution's own ARN (kept on the proposal with its first move)", () => {
    // A response-only invoke: the state's parameters are the payload.
    expect(named('Validate').Parameters).toEqual({
      'proposalId.$': '$.proposalId',
      'bucket.$': '$.bucket',
      'key.$': '$.key',
      'versionId.$': '$.versionId',
      'executionArn.$': '$$.Execution.Id',
    });
  });

  it('follows the designed path: validate, tell the submitter, assign, review tasks, aggregate, notify', () => {
    expect(definition.StartAt).toBe('Validate');
    expect(states.map((s) => s.name).sort()).toEqual(
      [
        'Validate',
        'IsValid',
        'NotifyRejected',
        'NotifyRejectedUndelivered',
        'Rejected',
        'NotifyReceived',
        'NotifyReceivedUndelivered',
        'AssignReviewers',
        'HasReviewers',
        'WaitForOps',
        'ReviewTasks',
        'SendReviewTask',
        'Reassign',
        'HasReplacement',
        'Unfilled',
        'Aggregate',
        'EnoughReviews',
        'NotifyResult',
        'NotifyResultUndelivered',
        'Reviewed',
        'RecordFailure',
        'Failed',
      ].sort(),
    );
  });

  it('gives every task an explicit timeout', () => {
    expect(tasks().length).toBeGreaterThanOrEqual(9);
    for (const { name, state } of tasks()) {
      expect(typeof state.TimeoutSeconds, name).toBe('number');
      expect(state.TimeoutSeconds, name).toBeGreaterThan(0);
    }
  });

  it('retries every task on transient errors with full jitter', () => {
    for (const { name, state } of tasks()) {
      const retried = (state.Retry ?? []).flatMap((r) => r.ErrorEquals);
      for (const error of TRANSIENT_ERRORS) expect(retried, `${name} retries ${error}`).toContain(error);
      for (const retry of state.Retry ?? []) {
        expect(retry.JitterStrategy, name).toBe('FULL');
        expect(retry.MaxAttempts, name).toBeGreaterThan(1);
      }
      // A retried States.ALL would repeat a reviewer's decline or a rejection; only transient errors are retried.
      expect(
        (state.Retry ?? []).some((r) => r.ErrorEquals.includes('States.ALL')),
        name,
      ).toBe(false);
    }
  });

  it('outlasts a realistic Lambda throttle (a flood on the public API) before a proposal fails: over 30 minutes', () => {
    // With full jitter each wait is drawn below its cap: the caps add up to the longest a task keeps trying.
    const caps = (retry: {
      IntervalSeconds?: number;
      BackoffRate?: number;
      MaxAttempts?: number;
      MaxDelaySeconds?: number;
    }) =>
      Array.from({ length: retry.MaxAttempts ?? 0 }, (_, i) =>
        Math.min(
          (retry.IntervalSeconds ?? 1) * (retry.BackoffRate ?? 2) ** i,
          retry.MaxDelaySeconds ?? Infinity,
        ),
      ).reduce((a, b) => a + b, 0);
    for (const { name, state } of tasks()) {
      const [first] = (state.Retry ?? []) as Array<{
        ErrorEquals: string[];
        IntervalSeconds?: number;
        BackoffRate?: number;
        MaxAttempts?: number;
        MaxDelaySeconds?: number;
      }>;
      expect(first?.ErrorEquals, name).toEqual([...THROTTLE_RETRY.errors]);
      expect(caps(first ?? { ErrorEquals: [] }), name).toBeGreaterThanOrEqual(30 * 60);
      // Lambda's throttling is not also in a later, shorter retrier (the first match wins, but say it once).
      const later = (state.Retry ?? []).slice(1).flatMap((r) => r.ErrorEquals);
      expect(later, name).not.toContain('Lambda.TooManyRequestsException');
    }
  });

  it("never fails a proposal over a submitter's notice: a fault that outlasts the retries is recorded, and the journey goes on", () => {
    const after: Record<string, string> = {
      NotifyReceived: 'AssignReviewers',
      NotifyRejected: 'Rejected',
      NotifyResult: 'Reviewed',
    };
    for (const [notice, next] of Object.entries(after)) {
      const state = named(notice);
      const [first, last] = state.Catch ?? [];
      expect(first, notice).toEqual({
        ErrorEquals: TRANSIENT_ERRORS,
        Next: `${notice}Undelivered`,
        ResultPath: '$.noticeError',
      });
      expect(last?.ErrorEquals, notice).toEqual(['States.ALL']);
      expect(state.Next ?? (state.End ? 'end' : undefined), notice).toBe(next);
      const undelivered = named(`${notice}Undelivered`);
      expect(undelivered.Parameters).toEqual({
        kind: 'undelivered',
        notice: notice.replace('Notify', '').toLowerCase(),
        'proposalId.$': '$.proposalId',
        'error.$': '$.noticeError',
      });
      expect(undelivered.Next, notice).toBe(next);
    }
  });

  it('records any failure: top-level tasks and the review Map catch everything into RecordFailure', () => {
    const catchesAll = (state: State) =>
      (state.Catch ?? []).some((c) => c.ErrorEquals.includes('States.ALL') && c.Next === 'RecordFailure');
    for (const { name, state, inMap } of tasks()) {
      if (inMap || name === 'RecordFailure') continue;
      expect(catchesAll(state), name).toBe(true);
      expect(state.Catch?.find((c) => c.Next === 'RecordFailure')?.ResultPath, name).toBe('$.error');
    }
    // Tasks inside a Map cannot jump outside it: the Map itself catches and records the failure.
    expect(catchesAll(named('ReviewTasks'))).toBe(true);
    expect(named('RecordFailure').Next).toBe('Failed');
    expect(named('Failed').Type).toBe('Fail');
  });

  it('sends each review task with a task token and reassigns on decline or timeout', () => {
    const send = named('SendReviewTask');
    expect(send.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    const parameters = send.Parameters as { FunctionName: string; Payload: Json };
    expect(parameters.FunctionName).toMatch(/:function:SendReviewTaskFunction[0-9A-F]{8}$/);
    expect(parameters.Payload).toEqual({
      'proposalId.$': '$.proposalId',
      'reviewerId.$': '$.reviewerId',
      // The status Assign or Reassign handed the task out under, for its history line (no read needed).
      'proposalStatus.$': '$.proposalStatus',
      'taskToken.$': '$$.Task.Token',
    });
    expect(send.Catch).toEqual([
      expect.objectContaining({
        ErrorEquals: ['ReviewDeclined', 'ReviewTimedOut', 'ReviewMoved', 'States.Timeout'],
        Next: 'Reassign',
        ResultPath: '$.error',
      }),
    ]);
    expect(named('HasReplacement').Choices).toEqual([
      expect.objectContaining({ Variable: '$.reviewerId', IsPresent: true, Next: 'SendReviewTask' }),
    ]);
  });

  it('never passes the task token anywhere but the payload of the two waiting tasks', () => {
    const carriers = states
      .filter(({ state }) => JSON.stringify(state).includes('$$.Task.Token'))
      .map(({ name }) => name)
      .filter((name) => !['ReviewTasks'].includes(name));
    expect(carriers.sort()).toEqual(['SendReviewTask', 'WaitForOps']);
    for (const name of carriers) {
      const state = named(name);
      const { Parameters, ...rest } = state;
      expect(JSON.stringify(rest), name).not.toContain('Task.Token');
      expect(JSON.stringify(Parameters).match(/\$\$\.Task\.Token/g), name).toHaveLength(1);
      expect((Parameters as { Payload: Json }).Payload['taskToken.$'], name).toBe('$$.Task.Token');
      expect(state.Resource, name).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    }
  });

  it('runs one review task per assigned reviewer, all at once', () => {
    const map = named('ReviewTasks');
    expect(map.Type).toBe('Map');
    expect(map.ItemsPath).toBe('$.assignment.tasks');
    expect(map.MaxConcurrency ?? 0).toBe(0);
    expect((map.ItemProcessor ?? map.Iterator)?.StartAt).toBe('SendReviewTask');
    expect(map.Next).toBe('Aggregate');
  });

  it('waits for ops no longer than the review window allows, then fails the proposal', () => {
    const wait = named('WaitForOps');
    expect(wait.TimeoutSeconds).toBe(14 * 24 * 3600);
    expect(wait.Next).toBe('AssignReviewers');
    // Window + maximum extension + grace of the KIPP profile, plus a day (test/infra/profile.test.ts).
    expect(named('SendReviewTask').TimeoutSeconds).toBe((14 + 60 + 2 + 1) * 24 * 3600);
  });

  it('can invoke exactly the eight pipeline functions', () => {
    const policies = resourcesOfType(built.logicTemplate, 'AWS::IAM::Policy').filter(([id]) =>
      id.startsWith('PipelineStateMachineRole'),
    );
    const statements = policies.flatMap(
      ([, p]) =>
        (properties(p).PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] })
          .Statement,
    );
    const invoke = statements.filter((s) => s.Action === 'lambda:InvokeFunction');
    const targets = new Set(
      invoke.flatMap((s) =>
        (s.Resource as unknown[]).map((r) => JSON.stringify(r).match(/"(\w+Function[0-9A-F]{8})"/)?.[1]),
      ),
    );
    expect([...targets].sort()).toEqual(
      [
        'AggregateFunction',
        'AssignFunction',
        'NotifyFunction',
        'ReassignFunction',
        'RecordFailureFunction',
        'SendReviewTaskFunction',
        'ValidateFunction',
        'WaitForOpsFunction',
      ]
        // Alphabetical, as the sorted logical ids.
        .map((prefix) => expect.stringMatching(new RegExp(`^${prefix}[0-9A-F]{8}$`))),
    );
  });
});
