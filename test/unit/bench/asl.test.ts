import { describe, expect, it } from 'vitest';
import {
  type AslDefinition,
  AslWalkError,
  evaluateRule,
  taskFunction,
  taskStates,
  walkPath,
} from '../../../bench/asl';
import { PRICES, pathCost, pathScenarios } from '../../../bench/cost';

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

/** The review pipeline's shape: validate, choose, assign, a Map of review tasks, aggregate, notify. */
const pipeline: AslDefinition = {
  StartAt: 'Validate',
  States: {
    Validate: { Type: 'Task', Resource: fn('validate'), ResultPath: '$.validation', Next: 'IsValid' },
    IsValid: {
      Type: 'Choice',
      Choices: [{ Variable: '$.validation.valid', BooleanEquals: true, Next: 'AssignReviewers' }],
      Default: 'NotifyRejected',
    },
    NotifyRejected: { Type: 'Task', Resource: fn('notify'), ResultPath: null, Next: 'Rejected' },
    Rejected: { Type: 'Succeed' },
    AssignReviewers: {
      Type: 'Task',
      Resource: fn('assign'),
      ResultPath: '$.assignment',
      Next: 'HasReviewers',
    },
    HasReviewers: {
      Type: 'Choice',
      Choices: [{ Variable: '$.assignment.complete', BooleanEquals: true, Next: 'ReviewTasks' }],
      Default: 'Failed',
    },
    Failed: { Type: 'Fail' },
    ReviewTasks: {
      Type: 'Map',
      ItemsPath: '$.assignment.tasks',
      ResultPath: '$.reviews',
      Next: 'Aggregate',
      ItemProcessor: {
        StartAt: 'SendReviewTask',
        States: {
          SendReviewTask: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: { FunctionName: fn('send'), 'Payload.$': '$' },
            End: true,
          },
        },
      },
    },
    Aggregate: { Type: 'Task', Resource: fn('aggregate'), ResultPath: '$.result', Next: 'EnoughReviews' },
    EnoughReviews: {
      Type: 'Choice',
      Choices: [{ Variable: '$.result.enough', BooleanEquals: true, Next: 'NotifyResult' }],
      Default: 'AssignReviewers',
    },
    NotifyResult: { Type: 'Task', Resource: fn('notify'), ResultPath: null, Next: 'Reviewed' },
    Reviewed: { Type: 'Succeed' },
  },
};

describe('walking a state machine definition', () => {
  const scenarios = pathScenarios(3);

  it('counts a rejected proposal as Validate, IsValid, NotifyRejected, Rejected', () => {
    const walk = walkPath(pipeline, scenarios.rejected);
    expect(walk.trail).toEqual(['Validate', 'IsValid', 'NotifyRejected', 'Rejected']);
    expect(walk.transitions).toBe(4);
    expect(walk.ended).toBe('Rejected');
  });

  it('counts the Map state once and its iterator once per assigned reviewer', () => {
    const walk = walkPath(pipeline, scenarios.happy);
    expect(walk.transitions).toBe(12);
    expect(walk.entered.ReviewTasks).toBe(1);
    expect(walk.tasks).toEqual({
      Validate: 1,
      AssignReviewers: 1,
      SendReviewTask: 3,
      Aggregate: 1,
      NotifyResult: 1,
    });
    expect(walk.trail).toContain('ReviewTasks[2]/SendReviewTask');
    expect(walk.ended).toBe('Reviewed');
    expect(walkPath(pipeline, pathScenarios(5).happy).transitions).toBe(14);
  });

  it('needs no result for a task whose result is discarded', () => {
    const { NotifyRejected: _discarded, ...results } = scenarios.rejected.results as Record<string, unknown>;
    expect(walkPath(pipeline, { ...scenarios.rejected, results }).transitions).toBe(4);
  });

  it('stops where a task waits on a reviewer', () => {
    const walk = walkPath(pipeline, scenarios.inReview);
    expect(walk.ended).toBe('waiting');
    expect(walk.tasks).toEqual({ Validate: 1, AssignReviewers: 1, SendReviewTask: 3 });
  });

  it('follows the data around a loop (too few reviews sends the proposal back to assignment)', () => {
    let rounds = 0;
    const scenario = { ...scenarios.happy, results: { ...scenarios.happy.results } };
    Object.defineProperty(scenario.results, 'Aggregate', {
      enumerable: true,
      get: () => ({ enough: ++rounds >= 2 }),
    });
    const walk = walkPath(pipeline, scenario);
    expect(walk.entered.AssignReviewers).toBe(2);
    // One more round: AssignReviewers, HasReviewers, ReviewTasks, 3 x SendReviewTask, Aggregate, EnoughReviews.
    expect(walk.transitions).toBe(12 + 8);
  });

  it('refuses what it cannot evaluate instead of miscounting', () => {
    expect(() => walkPath(pipeline, { name: 'x', input: {}, results: {} })).toThrow(
      /no result for the Task state Validate/,
    );
    expect(() => evaluateRule({ Variable: '$.a', StringMatches: 'x*' }, { a: 'xy' })).toThrow(
      /StringMatches/,
    );
    expect(() => evaluateRule({ Variable: '$.a[0]', IsPresent: true }, {})).toThrow(AslWalkError);
    const endless: AslDefinition = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'A' } } };
    expect(() => walkPath(endless, { name: 'loop', input: {}, results: {} }, 50)).toThrow(/50 states/);
  });

  it('evaluates And, Or and Not rules', () => {
    const data = { a: 2, b: 'x' };
    expect(
      evaluateRule(
        {
          And: [
            { Variable: '$.a', NumericGreaterThan: 1 },
            { Variable: '$.b', StringEquals: 'x' },
          ],
        },
        data,
      ),
    ).toBe(true);
    expect(
      evaluateRule(
        { Or: [{ Variable: '$.a', NumericLessThan: 1 }, { Not: { Variable: '$.c', IsPresent: true } }] },
        data,
      ),
    ).toBe(true);
  });

  it('finds the function each Task state calls, inside the Map too', () => {
    const found = Object.fromEntries(
      taskStates(pipeline).map(({ name, state }) => [name, taskFunction(state)]),
    );
    expect(found.SendReviewTask).toBe(fn('send'));
    expect(found.Validate).toBe(fn('validate'));
  });
});

describe('cost per proposal', () => {
  const info = (logicalId: string, meanMs: number, memorySize = 512) => ({ logicalId, meanMs, memorySize });
  const input = {
    definition: pipeline,
    functions: new Map([
      [fn('validate'), info('Validate', 100, 1024)],
      [fn('notify'), info('Notify', 50)],
      [fn('assign'), info('Assign', 80)],
      [fn('send'), info('Send', 40)],
      [fn('aggregate'), info('Aggregate', 30)],
    ]),
    reviewersPerProposal: 3,
    intake: info('Intake', 20),
    review: { ...info('Review', 10), requestsPerReview: 3 },
    emailFunctions: new Set(['Notify', 'Send']),
    itemBytes: { proposal: 3000, event: 200, review: 600, reviewer: 400 },
    eventsPerPath: { happy: 6, rejected: 4 },
    rosterSize: 100,
  };

  it('bills the transitions the walk counted and one email per notification', () => {
    const rejected = pathCost(input, pathScenarios(3).rejected);
    expect(rejected.dollars.sfn).toBeCloseTo(4 * PRICES.sfnTransition, 12);
    expect(rejected.emails).toBe(1);
    expect(rejected.lambdaRequests).toBe(3);
    const happy = pathCost(input, pathScenarios(3).happy);
    expect(happy.emails).toBe(4);
    expect(happy.lambdaRequests).toBe(1 + 7 + 9);
  });

  it('charges GB-seconds from measured time and each function memory', () => {
    const rejected = pathCost(input, pathScenarios(3).rejected);
    // intake 20 ms at 0.5 GB, validate 100 ms at 1 GB, notify 50 ms at 0.5 GB
    expect(rejected.lambdaGbSeconds).toBeCloseTo(0.01 + 0.1 + 0.025, 10);
    expect(rejected.dollars.total).toBeGreaterThan(rejected.dollars.sfn);
  });
});
