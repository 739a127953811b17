import { SendTaskFailureCommand, SendTaskSuccessCommand, TaskDoesNotExist } from '@aws-sdk/client-sfn';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { keys } from '../../../functions/lib/model';
import { verifyReviewLink } from '../../../functions/lib/review';
import {
  awsError,
  ddb,
  type FakeTable,
  firstLink,
  freshMocks,
  lambdaContext,
  PROPOSAL_ID,
  proposalItem,
  restoreHandlerEnv,
  reviewerItem,
  reviewIdFor,
  roster,
  SIGNING_SECRET,
  sentEmails,
  sfn,
  stubHandlerEnv,
  taskItem,
} from './support';

let handler: typeof import('../../../functions/reminders').handler;
let table: FakeTable;

beforeAll(async () => {
  stubHandlerEnv();
  ({ handler } = await import('../../../functions/reminders'));
});
afterAll(restoreHandlerEnv);

const DUE = '2025-07-15T00:00:00.000Z';
const DAY = 86_400_000;
const at = (offsetDays: number) => new Date(Date.parse(DUE) + offsetDays * DAY).toISOString();
/** The scheduled event, as EventBridge Scheduler sends it, for a sweep at `time`. */
const sweep = (time: string) =>
  handler(
    {
      version: '0',
      id: 'sweep-1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time,
      region: 'ap-southeast-3',
      resources: [],
      detail: {},
    },
    lambdaContext('reminders'),
  );

beforeEach(() => {
  table = freshMocks();
  sfn.on(SendTaskFailureCommand).resolves({});
  table.seed(
    proposalItem(),
    ...roster.map((r) => reviewerItem(r.id)),
    taskItem('r-health-free', { dueAt: DUE, token: 'token-wahyu' }),
  );
});

describe('the reminder sweep', () => {
  it('sends one reminder to a reviewer whose task is due in 2 days, and marks it sent', async () => {
    const result = await sweep(at(-2));

    expect(result).toEqual({ checked: 1, reminded: 1, timedOut: 0, redelivered: 0 });
    const [email, ...more] = sentEmails();
    expect(more).toEqual([]);
    expect(email?.to).toEqual(['wahyu@example.ac.id']);
    expect(email?.text).not.toContain('token-wahyu');
    const link = firstLink(email?.text ?? '');
    expect(
      verifyReviewLink(Object.fromEntries(link.searchParams), SIGNING_SECRET, new Date(at(-2))),
    ).toMatchObject({
      ok: true,
      reviewId: reviewIdFor('r-health-free'),
    });
    expect(table.task(PROPOSAL_ID, 'r-health-free')?.remindedAt).toEqual(['offset:-3']);
    const [claim] = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(claim?.ConditionExpression).toContain('NOT contains(remindedAt, :m)');
    expect(table.history(PROPOSAL_ID).at(-1)?.note).toBe(
      'Reminder (3 day(s) before the due date) sent to r-health-free',
    );
  });

  it('sends nothing on a second sweep for a reminder already sent', async () => {
    await sweep(at(-2));
    const again = await sweep(at(-2).replace('T00', 'T01'));

    expect(again).toEqual({ checked: 1, reminded: 0, timedOut: 0, redelivered: 0 });
    expect(sentEmails()).toHaveLength(1);
  });

  it('sends nothing when another sweep claimed the same reminder first', async () => {
    const [first, second] = await Promise.all([sweep(at(-2)), sweep(at(-2))]);

    expect(first.reminded + second.reminded).toBe(1);
    expect(sentEmails()).toHaveLength(1);
  });

  it('sends the overdue reminder one day after the due date, once', async () => {
    table.seed(taskItem('r-health-free', { dueAt: DUE, token: 'token-wahyu', remindedAt: ['offset:-3'] }));
    const result = await sweep(at(1.2));
    await sweep(at(1.5));

    expect(result.reminded).toBe(1);
    expect(sentEmails()).toHaveLength(1);
    expect(table.task(PROPOSAL_ID, 'r-health-free')?.remindedAt).toEqual(['offset:-3', 'offset:1']);
  });

  it('leaves alone a task due later than the first reminder', async () => {
    const result = await sweep(at(-5));

    expect(result).toEqual({ checked: 0, reminded: 0, timedOut: 0, redelivered: 0 });
    expect(sentEmails()).toEqual([]);
  });

  it('times out a task past its due date and grace period: recorded first, then the execution told ReviewTimedOut', async () => {
    const load = table.reviewer('r-health-free')?.load ?? 0;
    const result = await sweep(at(2.01));

    expect(result).toEqual({ checked: 1, reminded: 0, timedOut: 1, redelivered: 0 });
    const [release] = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems ?? []);
    // Task closed, seat freed and history line written in one transaction.
    expect(release?.map((item) => item.Update?.Key?.SK ?? item.Put?.Item?.SK)).toEqual([
      'REVIEW#r-health-free',
      'PROFILE',
      `EVENT#${at(2.01)}#task:r-health-free`,
    ]);
    expect(table.task(PROPOSAL_ID, 'r-health-free')).toMatchObject({
      status: 'TIMED_OUT',
      decidedAt: at(2.01),
    });
    expect(table.task(PROPOSAL_ID, 'r-health-free')?.token).toBeUndefined();
    expect(table.reviewer('r-health-free')?.load).toBe(load - 1);
    expect(sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 'token-wahyu', error: 'ReviewTimedOut', cause: `Due ${DUE}` },
    ]);
    expect(table.history(PROPOSAL_ID).map((h) => h.note)).toEqual([
      'r-health-free passed the due date and grace period; task timed out',
    ]);
    expect(sentEmails()).toEqual([]);
  });

  it('keeps a timeout Step Functions did not hear of and tells the execution at the next sweep', async () => {
    sfn.on(SendTaskFailureCommand).rejectsOnce(awsError('ServiceUnavailable', 503)).resolves({});
    const first = await sweep(at(2.01));

    expect(first.timedOut).toBe(1);
    expect(table.task(PROPOSAL_ID, 'r-health-free')).toMatchObject({
      status: 'TIMED_OUT',
      token: 'token-wahyu',
    });
    const second = await sweep(at(2.05));

    expect(second).toEqual({ checked: 0, reminded: 0, timedOut: 0, redelivered: 1 });
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(2);
    expect(table.task(PROPOSAL_ID, 'r-health-free')?.token).toBeUndefined();
    expect(table.history(PROPOSAL_ID).filter((h) => h.note.includes('timed out'))).toHaveLength(1);
    const third = await sweep(at(2.1));
    expect(third).toEqual({ checked: 0, reminded: 0, timedOut: 0, redelivered: 0 });
  });

  it('does not time out a task still within its grace period', async () => {
    const result = await sweep(at(1.99));

    expect(result.timedOut).toBe(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('finishes the sweep when the execution no longer waits for a timed-out task', async () => {
    sfn
      .on(SendTaskFailureCommand)
      .rejects(new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} }));
    table.seed(taskItem('r-gov-free', { dueAt: at(1), token: 'token-tri' }));

    const result = await sweep(at(3.5));

    expect(result).toEqual({ checked: 2, reminded: 0, timedOut: 2, redelivered: 0 });
  });

  it('skips tasks the execution has not handed out yet (no token)', async () => {
    table.seed(taskItem('r-health-free', { dueAt: DUE }));
    const result = await sweep(at(3));

    expect(result).toEqual({ checked: 0, reminded: 0, timedOut: 0, redelivered: 0 });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
    expect(sentEmails()).toEqual([]);
  });

  it('writes to each reviewer in their own language', async () => {
    table.seed(taskItem('r-health-busy', { dueAt: DUE, token: 'token-mira' }));
    await sweep(at(-2));

    const english = sentEmails().find((e) => e.to[0] === 'mira@example.ac.id');
    const bahasa = sentEmails().find((e) => e.to[0] === 'wahyu@example.ac.id');
    expect(english?.subject).not.toBe(bahasa?.subject);
    expect(english?.text).toMatch(/review/i);
  });

  it('hands a submitted review whose delivery failed to the waiting execution, then spends the token', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    table.seed({
      ...taskItem('r-health-busy', { dueAt: DUE, token: 'token-mira', score: 72.5 }),
      ...keys.openTask(DUE, PROPOSAL_ID, 'r-health-busy'),
      status: 'SUBMITTED',
    });
    const result = await sweep(at(-2));

    expect(result.redelivered).toBe(1);
    const [delivered] = sfn.commandCalls(SendTaskSuccessCommand);
    expect(delivered?.args[0].input.taskToken).toBe('token-mira');
    expect(JSON.parse(String(delivered?.args[0].input.output))).toEqual({
      reviewerId: 'r-health-busy',
      status: 'SUBMITTED',
      score: 72.5,
    });
    expect(table.task(PROPOSAL_ID, 'r-health-busy')?.token).toBeUndefined();
    expect(sentEmails().map((e) => e.to[0])).not.toContain('mira@example.ac.id');
  });
});
