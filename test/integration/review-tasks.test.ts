import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptTask,
  assignmentPorts,
  claimReminder,
  findTaskByReviewId,
  getTask,
  listedTasksUntil,
  readProposalTasks,
  releaseReviewer,
  releaseTaskMail,
  spendTaskToken,
  storeTaskToken,
  submitReview,
} from '../../functions/lib/adapters/review-tasks';
import { getReviewers, importRoster } from '../../functions/lib/adapters/roster';
import { newStats } from '../../functions/lib/assignment';
import { INDEXES, keys, type Reviewer, type ReviewTask } from '../../functions/lib/model';
import { newReviewId } from '../../functions/lib/review/signing';
import { startTestTable, type TestTable } from '../../local/emulators/table';

let db: TestTable;

beforeAll(async () => {
  db = await startTestTable();
});

afterAll(async () => {
  await db?.close();
});

const ASSIGNED = new Date('2025-07-01T02:00:00.000Z');
const DUE = new Date('2025-07-15T02:00:00.000Z');
const at = (iso: string) => new Date(iso);

/** Each test works on its own proposals and reviewers, so the tests share the table without clearing it. */
let serial = 0;
const uniqueId = (what: string) => `${what}-${++serial}`;

/** A reviewer on the roster with `capacity` seats, none taken. */
async function addReviewer(capacity = 3, overrides: Partial<Reviewer> = {}): Promise<string> {
  const id = uniqueId('rev');
  await importRoster(db.doc, db.tableName, [
    {
      id,
      name: `Dr. Penilai ${id}`,
      email: `${id}@example.ac.id`,
      institution: 'Universitas Gadjah Mada',
      expertise: ['kesehatan'],
      capacity,
      load: 0,
      language: 'id',
      active: true,
      conflicts: [],
      ...overrides,
    },
  ]);
  return id;
}

function newTask(reviewerId: string, proposalId = uniqueId('prop'), dueAt = DUE): ReviewTask {
  return {
    proposalId,
    reviewerId,
    reviewId: newReviewId(),
    status: 'PENDING',
    attempt: 1,
    assignedAt: ASSIGNED.toISOString(),
    dueAt: dueAt.toISOString(),
  };
}

function reserve(task: ReviewTask, stats = newStats()) {
  return assignmentPorts(db.doc, db.tableName).reserve(task, stats);
}

/** A reviewer with one reserved task (the reviewer's first seat taken). */
async function reservedTask(options: { capacity?: number; dueAt?: Date } = {}): Promise<ReviewTask> {
  const reviewerId = await addReviewer(options.capacity ?? 3);
  const task = newTask(reviewerId, uniqueId('prop'), options.dueAt);
  expect(await reserve(task)).toBe('reserved');
  return task;
}

async function loadOf(reviewerId: string): Promise<number> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.reviewer(reviewerId), ConsistentRead: true }),
  );
  return Number(out.Item?.load);
}

/** The stored item of a task, keys and token included. */
async function stored(task: { proposalId: string; reviewerId: string }) {
  const out = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: keys.review(task.proposalId, task.reviewerId),
      ConsistentRead: true,
    }),
  );
  return out.Item;
}

/** The listing of the sweep up to `horizon`, limited to the given proposals (other tests share the table). */
async function listed(horizon: Date, proposalIds: string[]) {
  const found = [];
  for await (const task of listedTasksUntil(db.doc, db.tableName, horizon)) {
    if (proposalIds.includes(task.proposalId)) found.push(task);
  }
  return found;
}

async function historyOf(proposalId: string) {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :event)',
      ExpressionAttributeValues: { ':pk': keys.proposal(proposalId).PK, ':event': 'EVENT#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((item) => ({ at: item.at, status: item.status, note: item.note }));
}

const review = (when: Date, comment = 'Inovasi yang layak direplikasi') => ({
  scores: { dampak: 4, keberlanjutan: 3 },
  score: 72.5,
  comment,
  at: when,
});

describe('reserving a reviewer on DynamoDB Local', () => {
  it('puts the task and takes one seat of the reviewer, in one transaction', async () => {
    const reviewerId = await addReviewer(2);
    const task = newTask(reviewerId);
    const stats = newStats();

    expect(await reserve(task, stats)).toBe('reserved');

    expect(stats).toEqual({ transactions: 1, retries: 0, capacityRaces: 0, collisions: 0 });
    expect(await getTask(db.doc, db.tableName, task.proposalId, reviewerId)).toEqual(task);
    expect(await readProposalTasks(db.doc, db.tableName, task.proposalId)).toEqual([task]);
    expect(await loadOf(reviewerId)).toBe(1);
  });

  it('answers task-exists to a second reservation of the same task and leaves the load alone', async () => {
    const task = await reservedTask();

    expect(await reserve(task)).toBe('task-exists');
    expect(await reserve({ ...task, reviewId: newReviewId(), attempt: 2 })).toBe('task-exists');

    expect(await loadOf(task.reviewerId)).toBe(1);
    expect(await getTask(db.doc, db.tableName, task.proposalId, task.reviewerId)).toEqual(task);
  });

  it('refuses a full reviewer as reviewer-unavailable and writes no task', async () => {
    const first = await reservedTask({ capacity: 1 });
    const other = newTask(first.reviewerId);
    const stats = newStats();

    expect(await reserve(other, stats)).toBe('reviewer-unavailable');

    expect(stats.capacityRaces).toBe(1);
    expect(await loadOf(first.reviewerId)).toBe(1);
    expect(await readProposalTasks(db.doc, db.tableName, other.proposalId)).toEqual([]);
  });

  it('refuses an inactive or unknown reviewer as reviewer-unavailable', async () => {
    const inactive = await addReviewer(3, { active: false });
    const onInactive = newTask(inactive);
    expect(await reserve(onInactive)).toBe('reviewer-unavailable');
    expect(await loadOf(inactive)).toBe(0);

    const onUnknown = newTask(uniqueId('rev-unknown'));
    expect(await reserve(onUnknown)).toBe('reviewer-unavailable');
    expect(await readProposalTasks(db.doc, db.tableName, onInactive.proposalId)).toEqual([]);
    expect(await readProposalTasks(db.doc, db.tableName, onUnknown.proposalId)).toEqual([]);
  });
});

describe('handing a task to its reviewer', () => {
  it('keeps the token on an open task, and finds the task by its review id with that token', async () => {
    const task = await reservedTask();

    const kept = await storeTaskToken(db.doc, db.tableName, task, 'token-1', ASSIGNED);

    expect(kept).toEqual({ ...task, mailClaimed: true });
    expect(kept).not.toHaveProperty('token');
    expect(await getTask(db.doc, db.tableName, task.proposalId, task.reviewerId)).not.toHaveProperty('token');
    expect(await findTaskByReviewId(db.doc, db.tableName, task.reviewId)).toEqual({
      ...task,
      token: 'token-1',
    });
  });

  it("claims the task's email with the first token only, and again after the claim is given back", async () => {
    const task = await reservedTask();

    const first = await storeTaskToken(db.doc, db.tableName, task, 'token-a', ASSIGNED, 'claim-a');
    const retried = await storeTaskToken(db.doc, db.tableName, task, 'token-b', ASSIGNED, 'claim-b');
    expect(first?.mailClaimed).toBe(true);
    expect(retried?.mailClaimed).toBe(false);
    expect((await findTaskByReviewId(db.doc, db.tableName, task.reviewId))?.token).toBe('token-b');

    // Only the holder gives it back: SES refused the first email; the next attempt sends it.
    await releaseTaskMail(db.doc, db.tableName, task, 'claim-b');
    expect(
      (await storeTaskToken(db.doc, db.tableName, task, 'token-c', ASSIGNED, 'claim-c'))?.mailClaimed,
    ).toBe(false);
    await releaseTaskMail(db.doc, db.tableName, task, 'claim-a');
    expect(
      (await storeTaskToken(db.doc, db.tableName, task, 'token-d', ASSIGNED, 'claim-d'))?.mailClaimed,
    ).toBe(true);
  });

  it('hands the invitation the seat was reserved with to the first token only, then drops it', async () => {
    const reviewerId = await addReviewer(3, { name: 'Dr. Sari', language: 'en' });
    const [reviewer] = [...(await getReviewers(db.doc, db.tableName, [reviewerId])).values()];
    const task = newTask(reviewerId);
    const facts = { title: 'SEHATI', institution: 'Dinas Kesehatan Kota Surabaya', category: 'kesehatan' };
    const ports = assignmentPorts(db.doc, db.tableName, { ...facts, group: undefined });
    expect(await ports.reserve(task, newStats(), reviewer)).toBe('reserved');
    // Not part of the task as read.
    expect(await getTask(db.doc, db.tableName, task.proposalId, reviewerId)).toEqual(task);

    const first = await storeTaskToken(db.doc, db.tableName, task, 'token-1', ASSIGNED);
    expect(first).toEqual({
      ...task,
      mailClaimed: true,
      invitation: {
        proposal: facts,
        reviewer: { name: 'Dr. Sari', email: `${reviewerId}@example.ac.id`, language: 'en' },
      },
    });
    expect(await stored(task)).not.toHaveProperty('invitation');
    const retried = await storeTaskToken(db.doc, db.tableName, task, 'token-2', ASSIGNED);
    expect(retried).toEqual({ ...task, mailClaimed: false });
  });

  it('keeps the token on an accepted task too', async () => {
    const task = await reservedTask();
    await acceptTask(db.doc, db.tableName, task, ASSIGNED);

    expect(await storeTaskToken(db.doc, db.tableName, task, 'token-2', ASSIGNED)).toMatchObject({
      status: 'ACCEPTED',
    });
    expect((await findTaskByReviewId(db.doc, db.tableName, task.reviewId))?.token).toBe('token-2');
  });

  it('keeps no token on a closed task', async () => {
    const task = await reservedTask();
    await releaseReviewer(db.doc, db.tableName, task.proposalId, task.reviewerId, 'REASSIGNED');

    expect(await storeTaskToken(db.doc, db.tableName, task, 'late-token', ASSIGNED)).toBeUndefined();
    expect(await stored(task)).not.toHaveProperty('token');
  });

  it('finds nothing for a review id no task carries', async () => {
    expect(await findTaskByReviewId(db.doc, db.tableName, newReviewId())).toBeUndefined();
  });
});

describe('accepting and submitting a review', () => {
  it('accepts a pending task once', async () => {
    const task = await reservedTask();
    const when = at('2025-07-02T03:00:00.000Z');

    expect(await acceptTask(db.doc, db.tableName, task, when)).toBe(true);
    expect((await getTask(db.doc, db.tableName, task.proposalId, task.reviewerId))?.status).toBe('ACCEPTED');
    expect((await stored(task))?.acceptedAt).toBe(when.toISOString());

    expect(await acceptTask(db.doc, db.tableName, task, at('2025-07-02T04:00:00.000Z'))).toBe(false);
    expect((await stored(task))?.acceptedAt).toBe(when.toISOString());
  });

  it('does not accept a submitted or closed task', async () => {
    const submitted = await reservedTask();
    await submitReview(db.doc, db.tableName, submitted, review(at('2025-07-02T03:00:00.000Z')));
    expect(await acceptTask(db.doc, db.tableName, submitted, ASSIGNED)).toBe(false);

    const declined = await reservedTask();
    await releaseReviewer(db.doc, db.tableName, declined.proposalId, declined.reviewerId, 'DECLINED');
    expect(await acceptTask(db.doc, db.tableName, declined, ASSIGNED)).toBe(false);
    expect((await getTask(db.doc, db.tableName, declined.proposalId, declined.reviewerId))?.status).toBe(
      'DECLINED',
    );
  });

  it('records the scores of a pending task, and of an accepted one', async () => {
    const pending = await reservedTask();
    const when = at('2025-07-03T05:00:00.000Z');
    expect(await submitReview(db.doc, db.tableName, pending, review(when))).toBe(true);
    expect(await getTask(db.doc, db.tableName, pending.proposalId, pending.reviewerId)).toEqual({
      ...pending,
      status: 'SUBMITTED',
      scores: { dampak: 4, keberlanjutan: 3 },
      score: 72.5,
      comment: 'Inovasi yang layak direplikasi',
      decidedAt: when.toISOString(),
    });

    const accepted = await reservedTask();
    await acceptTask(db.doc, db.tableName, accepted, ASSIGNED);
    expect(await submitReview(db.doc, db.tableName, accepted, review(when))).toBe(true);
    expect((await getTask(db.doc, db.tableName, accepted.proposalId, accepted.reviewerId))?.status).toBe(
      'SUBMITTED',
    );
  });

  it('records a review whose comment was left empty', async () => {
    const task = await reservedTask();

    expect(await submitReview(db.doc, db.tableName, task, review(at('2025-07-03T05:00:00.000Z'), ''))).toBe(
      true,
    );

    expect(await getTask(db.doc, db.tableName, task.proposalId, task.reviewerId)).toMatchObject({
      status: 'SUBMITTED',
      score: 72.5,
      comment: '',
    });
  });

  it('records a review sent without any comment, and stores no comment', async () => {
    const task = await reservedTask();
    const { comment: _none, ...withoutComment } = review(at('2025-07-03T05:00:00.000Z'));

    expect(await submitReview(db.doc, db.tableName, task, withoutComment)).toBe(true);

    const stored = await getTask(db.doc, db.tableName, task.proposalId, task.reviewerId);
    expect(stored).toMatchObject({ status: 'SUBMITTED', score: 72.5 });
    expect(stored?.comment).toBeUndefined();
  });

  it('refuses a second submission and a submission on a closed task, keeping what was recorded', async () => {
    const task = await reservedTask();
    const first = at('2025-07-03T05:00:00.000Z');
    await submitReview(db.doc, db.tableName, task, review(first));

    expect(
      await submitReview(db.doc, db.tableName, task, {
        ...review(at('2025-07-04T05:00:00.000Z'), 'Berubah pikiran'),
        score: 10,
      }),
    ).toBe(false);
    expect(await getTask(db.doc, db.tableName, task.proposalId, task.reviewerId)).toMatchObject({
      score: 72.5,
      comment: 'Inovasi yang layak direplikasi',
      decidedAt: first.toISOString(),
    });

    const timedOut = await reservedTask();
    await releaseReviewer(db.doc, db.tableName, timedOut.proposalId, timedOut.reviewerId, 'TIMED_OUT');
    expect(await submitReview(db.doc, db.tableName, timedOut, review(first))).toBe(false);
    expect(await getTask(db.doc, db.tableName, timedOut.proposalId, timedOut.reviewerId)).not.toHaveProperty(
      'score',
    );
  });

  it('lists a submitted review as undelivered, by its decision time, until its token is spent', async () => {
    const task = await reservedTask();
    await storeTaskToken(db.doc, db.tableName, task, 'token-submit', ASSIGNED);
    const decided = at('2025-07-03T05:00:00.000Z');
    await submitReview(db.doc, db.tableName, task, review(decided));

    // Listed by the decision, long before the due date.
    expect(await listed(at('2025-07-03T04:59:59.999Z'), [task.proposalId])).toEqual([]);
    const undelivered = await listed(decided, [task.proposalId]);
    expect(undelivered).toHaveLength(1);
    expect(undelivered[0]).toMatchObject({ status: 'SUBMITTED', token: 'token-submit', score: 72.5 });
    expect((await stored(task))?.GSI2SK).toBe(
      `${decided.toISOString()}#${task.proposalId}#${task.reviewerId}`,
    );

    await spendTaskToken(db.doc, db.tableName, task, 'token-submit');

    expect(await listed(DUE, [task.proposalId])).toEqual([]);
    const item = await stored(task);
    expect(item).not.toHaveProperty('token');
    expect(item).not.toHaveProperty('GSI2PK');
    expect(item).not.toHaveProperty('GSI2SK');
    expect(item?.status).toBe('SUBMITTED');
    expect(item?.GSI1PK).toBe(`REVIEWER#${task.reviewerId}`);
  });

  it('changes nothing when a different token is spent', async () => {
    const task = await reservedTask();
    await storeTaskToken(db.doc, db.tableName, task, 'token-current', ASSIGNED);
    await submitReview(db.doc, db.tableName, task, review(at('2025-07-03T05:00:00.000Z')));
    const before = await stored(task);

    await spendTaskToken(db.doc, db.tableName, task, 'token-of-an-earlier-attempt');

    expect(await stored(task)).toEqual(before);
    expect(await listed(DUE, [task.proposalId])).toHaveLength(1);
  });

  it('spends nothing on a task that has no token', async () => {
    const task = await reservedTask();
    const before = await stored(task);

    await spendTaskToken(db.doc, db.tableName, task, 'any-token');

    expect(await stored(task)).toEqual(before);
  });
});

describe('claiming reminders', () => {
  it('claims each reminder of a task once', async () => {
    const task = await reservedTask();

    expect(await claimReminder(db.doc, db.tableName, task, 'due-3d')).toBe(true);
    expect(await claimReminder(db.doc, db.tableName, task, 'due-3d')).toBe(false);
    expect(await claimReminder(db.doc, db.tableName, task, 'due-1d')).toBe(true);
    expect(await claimReminder(db.doc, db.tableName, task, 'due-1d')).toBe(false);

    expect((await getTask(db.doc, db.tableName, task.proposalId, task.reviewerId))?.remindedAt).toEqual([
      'due-3d',
      'due-1d',
    ]);
  });

  it('gives one reminder to one of two sweeps claiming it at once', async () => {
    const task = await reservedTask();

    const claims = await Promise.all([
      claimReminder(db.doc, db.tableName, task, 'due-3d'),
      claimReminder(db.doc, db.tableName, task, 'due-3d'),
    ]);

    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await getTask(db.doc, db.tableName, task.proposalId, task.reviewerId))?.remindedAt).toEqual([
      'due-3d',
    ]);
  });

  it('never reminds on a closed task', async () => {
    const submitted = await reservedTask();
    await submitReview(db.doc, db.tableName, submitted, review(at('2025-07-03T05:00:00.000Z')));
    expect(await claimReminder(db.doc, db.tableName, submitted, 'due-1d')).toBe(false);

    const declined = await reservedTask();
    await releaseReviewer(db.doc, db.tableName, declined.proposalId, declined.reviewerId, 'DECLINED');
    expect(await claimReminder(db.doc, db.tableName, declined, 'due-1d')).toBe(false);
    expect(await getTask(db.doc, db.tableName, declined.proposalId, declined.reviewerId)).not.toHaveProperty(
      'remindedAt',
    );
  });
});

describe('releasing a reviewer', () => {
  it('closes an open task once and frees exactly one seat', async () => {
    const reviewerId = await addReviewer(3);
    const task = newTask(reviewerId);
    const kept = newTask(reviewerId);
    await reserve(task);
    await reserve(kept);
    expect(await loadOf(reviewerId)).toBe(2);
    const when = at('2025-07-04T01:00:00.000Z');

    expect(
      await releaseReviewer(db.doc, db.tableName, task.proposalId, reviewerId, 'DECLINED', {
        at: when,
        declineReason: 'Sedang cuti',
      }),
    ).toEqual({ released: true });
    expect(
      await releaseReviewer(db.doc, db.tableName, task.proposalId, reviewerId, 'DECLINED', { at: when }),
    ).toEqual({ released: false });
    expect(await releaseReviewer(db.doc, db.tableName, task.proposalId, reviewerId, 'TIMED_OUT')).toEqual({
      released: false,
    });

    expect(await loadOf(reviewerId)).toBe(1);
    expect(await getTask(db.doc, db.tableName, task.proposalId, reviewerId)).toEqual({
      ...task,
      status: 'DECLINED',
      decidedAt: when.toISOString(),
      declineReason: 'Sedang cuti',
    });
    expect((await getTask(db.doc, db.tableName, kept.proposalId, reviewerId))?.status).toBe('PENDING');
  });

  it('closes an accepted task too', async () => {
    const task = await reservedTask();
    await acceptTask(db.doc, db.tableName, task, ASSIGNED);

    expect(
      await releaseReviewer(db.doc, db.tableName, task.proposalId, task.reviewerId, 'TIMED_OUT'),
    ).toEqual({ released: true });
    expect(await loadOf(task.reviewerId)).toBe(0);
  });

  it('does not release a submitted task', async () => {
    const task = await reservedTask();
    await submitReview(db.doc, db.tableName, task, review(at('2025-07-03T05:00:00.000Z')));

    expect(
      await releaseReviewer(db.doc, db.tableName, task.proposalId, task.reviewerId, 'TIMED_OUT'),
    ).toEqual({ released: false });
    expect((await getTask(db.doc, db.tableName, task.proposalId, task.reviewerId))?.status).toBe('SUBMITTED');
    expect(await loadOf(task.reviewerId)).toBe(1);
  });

  it('never takes the load below 0, and still closes the task', async () => {
    const task = await reservedTask();
    // The seat was already given back (e.g. by hand): the load is 0 while the task is open.
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.reviewer(task.reviewerId),
        UpdateExpression: 'SET #load = :zero',
        ExpressionAttributeNames: { '#load': 'load' },
        ExpressionAttributeValues: { ':zero': 0 },
      }),
    );

    expect(
      await releaseReviewer(db.doc, db.tableName, task.proposalId, task.reviewerId, 'REASSIGNED'),
    ).toEqual({ released: true });
    expect(await loadOf(task.reviewerId)).toBe(0);
    expect((await getTask(db.doc, db.tableName, task.proposalId, task.reviewerId))?.status).toBe(
      'REASSIGNED',
    );
  });

  it('closes the task of a reviewer who left the roster', async () => {
    const task = await reservedTask();
    await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: keys.reviewer(task.reviewerId) }));

    expect(
      await releaseReviewer(db.doc, db.tableName, task.proposalId, task.reviewerId, 'REASSIGNED'),
    ).toEqual({ released: true });
    expect((await getTask(db.doc, db.tableName, task.proposalId, task.reviewerId))?.status).toBe(
      'REASSIGNED',
    );
  });

  it('writes the history line with the closing', async () => {
    const task = await reservedTask();
    const when = at('2025-07-16T02:00:00.000Z');

    await releaseReviewer(db.doc, db.tableName, task.proposalId, task.reviewerId, 'TIMED_OUT', {
      at: when,
      note: { text: `${task.reviewerId}: task timed out`, proposalStatus: 'IN_REVIEW' },
    });
    await releaseReviewer(db.doc, db.tableName, task.proposalId, task.reviewerId, 'TIMED_OUT', {
      at: at('2025-07-16T03:00:00.000Z'),
      note: { text: `${task.reviewerId}: task timed out`, proposalStatus: 'IN_REVIEW' },
    });

    expect(await historyOf(task.proposalId)).toEqual([
      { at: when.toISOString(), status: 'IN_REVIEW', note: `${task.reviewerId}: task timed out` },
    ]);
  });

  it('lets one of two racing releases close the task: one seat freed, one history line', async () => {
    for (let round = 0; round < 5; round++) {
      const reviewerId = await addReviewer(3);
      const task = newTask(reviewerId);
      await reserve(task);
      await reserve(newTask(reviewerId));

      // The sweep and the execution's Reassign step close the same task at (almost) the same moment.
      const results = await Promise.all([
        releaseReviewer(db.doc, db.tableName, task.proposalId, reviewerId, 'TIMED_OUT', {
          at: at('2025-07-16T02:00:00.000Z'),
          note: { text: `${reviewerId}: task timed out`, proposalStatus: 'IN_REVIEW' },
        }),
        releaseReviewer(db.doc, db.tableName, task.proposalId, reviewerId, 'REASSIGNED', {
          at: at('2025-07-16T02:00:00.001Z'),
          note: { text: `${reviewerId}: task reassigned`, proposalStatus: 'IN_REVIEW' },
        }),
      ]);

      expect(results.filter((r) => r.released)).toHaveLength(1);
      expect(results.filter((r) => !r.released)).toHaveLength(1);
      expect(await loadOf(reviewerId)).toBe(1);
      const history = await historyOf(task.proposalId);
      expect(history).toHaveLength(1);
      const closed = await getTask(db.doc, db.tableName, task.proposalId, reviewerId);
      const winner = results[0]!.released ? 'TIMED_OUT' : 'REASSIGNED';
      expect(closed?.status).toBe(winner);
      expect(history[0]?.note).toBe(
        winner === 'TIMED_OUT' ? `${reviewerId}: task timed out` : `${reviewerId}: task reassigned`,
      );
    }
  });

  it('while the execution waits, keeps the token and lists the task by when it closed', async () => {
    const task = await reservedTask();
    await storeTaskToken(db.doc, db.tableName, task, 'token-decline', ASSIGNED);
    const when = at('2025-07-05T08:00:00.000Z');

    await releaseReviewer(db.doc, db.tableName, task.proposalId, task.reviewerId, 'DECLINED', {
      at: when,
      declineReason: 'Konflik kepentingan',
      executionWaits: true,
    });

    expect(await listed(at('2025-07-05T07:59:59.999Z'), [task.proposalId])).toEqual([]);
    expect(await listed(when, [task.proposalId])).toEqual([
      {
        ...task,
        status: 'DECLINED',
        decidedAt: when.toISOString(),
        declineReason: 'Konflik kepentingan',
        token: 'token-decline',
      },
    ]);

    await spendTaskToken(db.doc, db.tableName, task, 'token-decline');
    expect(await listed(DUE, [task.proposalId])).toEqual([]);
    expect(await stored(task)).not.toHaveProperty('token');
  });

  it('without a waiting execution, removes the token and the listing', async () => {
    const task = await reservedTask();
    await storeTaskToken(db.doc, db.tableName, task, 'token-reassign', ASSIGNED);

    await releaseReviewer(db.doc, db.tableName, task.proposalId, task.reviewerId, 'REASSIGNED', {
      at: at('2025-07-05T08:00:00.000Z'),
    });

    expect(await listed(DUE, [task.proposalId])).toEqual([]);
    const item = await stored(task);
    expect(item).not.toHaveProperty('token');
    expect(item).not.toHaveProperty('GSI2PK');
    expect(item).not.toHaveProperty('GSI2SK');
    expect(await findTaskByReviewId(db.doc, db.tableName, task.reviewId)).not.toHaveProperty('token');
  });
});

describe("the sweep's listing", () => {
  it('returns the open tasks due up to the horizon, oldest first, and not the later ones', async () => {
    const reviewerId = await addReviewer(5);
    const early = newTask(reviewerId, uniqueId('prop'), at('2025-07-10T00:00:00.000Z'));
    const onTime = newTask(reviewerId, uniqueId('prop'), at('2025-07-12T00:00:00.000Z'));
    const later = newTask(reviewerId, uniqueId('prop'), at('2025-07-20T00:00:00.000Z'));
    const closed = newTask(reviewerId, uniqueId('prop'), at('2025-07-09T00:00:00.000Z'));
    // Reserved out of order: the listing sorts them.
    for (const task of [later, onTime, closed, early]) await reserve(task);
    await releaseReviewer(db.doc, db.tableName, closed.proposalId, reviewerId, 'REASSIGNED');
    await storeTaskToken(db.doc, db.tableName, onTime, 'token-on-time', ASSIGNED);
    const ours = [early, onTime, later, closed].map((t) => t.proposalId);

    expect(await listed(at('2025-07-09T23:59:59.999Z'), ours)).toEqual([]);
    expect(await listed(at('2025-07-12T00:00:00.000Z'), ours)).toEqual([
      early,
      { ...onTime, token: 'token-on-time' },
    ]);
    expect((await listed(at('2025-08-01T00:00:00.000Z'), ours)).map((t) => t.proposalId)).toEqual([
      early.proposalId,
      onTime.proposalId,
      later.proposalId,
    ]);
  });

  it('reads every page of a long listing', async () => {
    const reviewerId = await addReviewer(20);
    const due = at('2025-06-01T00:00:00.000Z');
    const tasks = Array.from({ length: 12 }, (_, i) =>
      newTask(reviewerId, uniqueId('prop-many'), new Date(due.getTime() + ((i * 7) % 12) * 1000)),
    );
    // Large items fill a page of the index (1 MB) before the listing ends.
    for (const task of tasks) await reserve({ ...task, comment: 'x'.repeat(150_000) });
    const firstPage = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        IndexName: INDEXES.listings,
        KeyConditionExpression: 'GSI2PK = :open',
        ExpressionAttributeValues: { ':open': 'OPEN_TASKS' },
      }),
    );
    expect(firstPage.LastEvaluatedKey).toBeDefined();

    const found = await listed(
      at('2025-06-02T00:00:00.000Z'),
      tasks.map((t) => t.proposalId),
    );
    expect(found).toHaveLength(tasks.length);
    const dueDates = found.map((t) => t.dueAt);
    expect(dueDates).toEqual([...dueDates].sort());
  });
});
