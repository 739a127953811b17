/**
 * The review tasks repository (DynamoDB). Each reservation is ONE TransactWriteItems that puts the review task
 * (only if absent) and increments the reviewer's load (only if below capacity and active), so a retried Lambda
 * cannot double-count and concurrent executions cannot overfill a reviewer; each closing of a task is one
 * transaction with the seat's release and its history line. `assignmentPorts` gives the assignment core
 * (functions/lib/assignment/assign.ts) its view of the table.
 */
import { randomUUID } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AssignmentPorts, ReservationStats, ReserveOutcome } from '../assignment/assign';
import { AssignmentContentionError, StoredItemError } from '../assignment/errors';
import { INDEXES } from '../contract';
import { cancellationCodes, isConditionalFailure } from '../errors';
import {
  keys,
  type ProposalStatus,
  REVIEW_STATUSES,
  type ReviewTask,
  type TaskInvitation,
  taskInvitation,
} from '../model';
import * as z from '../zod';
import { getReviewers, listReviewers, type RosterReader } from './roster';

/** Attempts of one reservation when the transaction collides with another one on the same items. */
const CONFLICT_ATTEMPTS = 6;

const taskSchema = z.object({
  proposalId: z.string().check(z.minLength(1)),
  reviewerId: z.string().check(z.minLength(1)),
  reviewId: z.string().check(z.minLength(1)),
  status: z.enum(REVIEW_STATUSES),
  attempt: z.int().check(z.positive()),
  assignedAt: z.string(),
  dueAt: z.string(),
  remindedAt: z.optional(z.array(z.string())),
  decidedAt: z.optional(z.string()),
  scores: z.optional(z.record(z.string(), z.number())),
  score: z.optional(z.number()),
  comment: z.optional(z.string()),
  declineReason: z.optional(z.string()),
  movedTo: z.optional(z.string()),
});

const invitationSchema = z.object({
  proposal: z.object({
    title: z.optional(z.string()),
    institution: z.optional(z.string()),
    category: z.optional(z.string()),
    group: z.optional(z.string()),
  }),
  reviewer: z.object({
    name: z.string().check(z.minLength(1)),
    email: z.string().check(z.minLength(3)),
    language: z.enum(['id', 'en']),
  }),
});

/** A review task from a stored item, without its keys and without the (secret) task token. */
export function taskFromItem(item: Record<string, unknown>): ReviewTask {
  const parsed = taskSchema.safeParse(item);
  if (!parsed.success) {
    throw new StoredItemError(
      `Malformed review task ${String(item.PK)}/${String(item.SK)}: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}

/** Every review task item of a proposal, as stored (strongly consistent). */
async function queryTaskItems(
  doc: DynamoDBDocumentClient,
  table: string,
  proposalId: string,
): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  const pages = paginateQuery(
    { client: doc },
    {
      TableName: table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :review)',
      ExpressionAttributeValues: { ':pk': keys.proposal(proposalId).PK, ':review': 'REVIEW#' },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}

/** Every review task of a proposal (strongly consistent), tokens left out. */
export async function readProposalTasks(
  doc: DynamoDBDocumentClient,
  table: string,
  proposalId: string,
): Promise<ReviewTask[]> {
  return (await queryTaskItems(doc, table, proposalId)).map(taskFromItem);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Full jitter: a random wait up to an exponentially growing cap. */
function backoff(attempt: number): Promise<void> {
  return sleep(Math.random() * Math.min(500, 10 * 2 ** attempt));
}

/**
 * The two writes that reserve a seat: the task put if absent (with its invitation, when given), its reviewer's
 * load raised if below capacity.
 */
function seatItems(table: string, task: ReviewTask, invitation?: TaskInvitation) {
  return {
    put: {
      Put: {
        TableName: table,
        Item: {
          ...keys.review(task.proposalId, task.reviewerId),
          ...keys.reviewerTasks(task.reviewerId, task.dueAt, task.proposalId),
          ...keys.openTask(task.dueAt, task.proposalId, task.reviewerId),
          ...task,
          ...(invitation ? { invitation } : {}),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    load: {
      Update: {
        TableName: table,
        Key: keys.reviewer(task.reviewerId),
        UpdateExpression: 'SET #load = #load + :one',
        ConditionExpression: 'attribute_exists(PK) AND #load < #capacity AND #active = :true',
        ExpressionAttributeNames: { '#load': 'load', '#capacity': 'capacity', '#active': 'active' },
        ExpressionAttributeValues: { ':one': 1, ':true': true },
      },
    },
  };
}

/** The write that frees a seat of a reviewer's load (never below 0). */
function unloadItem(table: string, reviewerId: string) {
  return {
    Update: {
      TableName: table,
      Key: keys.reviewer(reviewerId),
      UpdateExpression: 'SET #load = #load - :one',
      ConditionExpression: '#load > :zero',
      ExpressionAttributeNames: { '#load': 'load' },
      ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
    },
  };
}

/**
 * One reservation: the task put and the load increment in one transaction. Collisions with a concurrent
 * transaction are retried with jitter; a failed condition says which side failed.
 */
async function reserve(
  doc: DynamoDBDocumentClient,
  table: string,
  task: ReviewTask,
  stats: ReservationStats,
  invitation?: TaskInvitation,
): Promise<ReserveOutcome> {
  const seat = seatItems(table, task, invitation);
  for (let attempt = 0; ; attempt++) {
    stats.transactions++;
    try {
      await doc.send(
        new TransactWriteCommand({
          // Cancellation reasons come back in this order: [0] the task, [1] the reviewer's load.
          TransactItems: [seat.put, seat.load],
        }),
      );
      return 'reserved';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes) {
        stats.retries++;
        if (codes[0] === 'ConditionalCheckFailed') return 'task-exists';
        if (codes[1] === 'ConditionalCheckFailed') {
          stats.capacityRaces++;
          return 'reviewer-unavailable';
        }
        stats.collisions++;
      } else if ((error as Error).name === 'TransactionConflictException') {
        stats.retries++;
        stats.collisions++;
      } else throw error;
      if (attempt + 1 >= CONFLICT_ATTEMPTS) {
        throw new AssignmentContentionError(
          `Reserving reviewer ${task.reviewerId} for proposal ${task.proposalId} kept colliding with other transactions`,
        );
      }
      await backoff(attempt);
    }
  }
}

export type ReleaseStatus = 'DECLINED' | 'TIMED_OUT' | 'REASSIGNED';

export interface ReleaseExtra {
  /** When the task closed (default: now). */
  at?: Date;
  /** The reviewer's reason for declining. */
  declineReason?: string;
  /**
   * A history line written in the same transaction, so that exactly one of the paths that may close a task
   * (the review page, the sweep, the Reassign step) writes it: the one whose conditional update wins.
   */
  note?: { text: string; proposalStatus: ProposalStatus };
  /**
   * The execution still waits on the task's token and has not been told yet: keep the token and list the task
   * among the undelivered decisions (by the time it closed), so that `deliverDecision` tells the execution and
   * spends the token, and the sweep retries if it cannot. Without it, the token is removed with the listing.
   */
  executionWaits?: boolean;
}

/**
 * Closes an open task (PENDING/ACCEPTED) with `status` and frees the reviewer's seat in one transaction
 * (with the history line, when given); the load is decremented, never below 0.
 * Idempotent: releasing a task that is no longer open does nothing and returns `released: false`. The caller
 * that gets `released: true` owns the transition: it alone counts it.
 */
export async function releaseReviewer(
  doc: DynamoDBDocumentClient,
  table: string,
  proposalId: string,
  reviewerId: string,
  status: ReleaseStatus,
  extra: ReleaseExtra = {},
): Promise<{ released: boolean }> {
  const at = (extra.at ?? new Date()).toISOString();
  const sets = ['#status = :status', 'decidedAt = :at'];
  const values: Record<string, unknown> = {
    ':status': status,
    ':at': at,
    ':pending': 'PENDING',
    ':accepted': 'ACCEPTED',
  };
  if (extra.declineReason) {
    sets.push('declineReason = :reason');
    values[':reason'] = extra.declineReason;
  }
  let removes = ' REMOVE GSI2PK, GSI2SK, #token';
  if (extra.executionWaits) {
    sets.push('GSI2SK = :listed');
    values[':listed'] = keys.openTask(at, proposalId, reviewerId).GSI2SK;
    removes = '';
  }
  const taskUpdate = {
    TableName: table,
    Key: keys.review(proposalId, reviewerId),
    UpdateExpression: `SET ${sets.join(', ')}${removes}`,
    ConditionExpression: '#status IN (:pending, :accepted)',
    ExpressionAttributeNames: {
      '#status': 'status',
      ...(extra.executionWaits ? {} : { '#token': 'token' }),
    } as Record<string, string>,
    ExpressionAttributeValues: values,
  };
  const history = extra.note
    ? [
        {
          Put: {
            TableName: table,
            Item: {
              ...keys.taskEvent(proposalId, at, reviewerId),
              at,
              status: extra.note.proposalStatus,
              note: extra.note.text,
            },
          },
        },
      ]
    : [];
  const loadUpdate = unloadItem(table, reviewerId);
  // The reviewer's load is already 0 (or the reviewer was removed): the task closes alone.
  let withLoad = true;
  for (let attempt = 0; ; attempt++) {
    try {
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [{ Update: taskUpdate }, ...(withLoad ? [loadUpdate] : []), ...history],
        }),
      );
      return { released: true };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes) {
        if (codes[0] === 'ConditionalCheckFailed') return { released: false };
        if (withLoad && codes[1] === 'ConditionalCheckFailed') {
          withLoad = false;
          continue;
        }
      } else if ((error as Error).name !== 'TransactionConflictException') throw error;
      if (attempt + 1 >= CONFLICT_ATTEMPTS) {
        throw new AssignmentContentionError(
          `Releasing reviewer ${reviewerId} of proposal ${proposalId} kept colliding`,
        );
      }
      await backoff(attempt);
    }
  }
}

/** What moving one seat came to (see `moveTask`). */
export type MoveOutcome = 'moved' | 'task-changed' | 'task-exists' | 'reviewer-unavailable';

/**
 * Moves one seat of a proposal from a task no one accepted to a new reviewer, in one transaction: the old task
 * (still PENDING and handed out, i.e. its execution waits on its token) becomes REASSIGNED with `movedTo` and is
 * listed for delivery, its reviewer's load goes down, the new task is put and its reviewer's load goes up (below
 * capacity, active), and the history line is written. Either all of it happens or none: an interrupted re-plan
 * never leaves a seat released without its replacement. The caller then tells the execution (`deliverDecision`);
 * if it cannot, the hourly sweep does.
 */
export async function moveTask(
  doc: DynamoDBDocumentClient,
  table: string,
  move: { from: string; task: ReviewTask; note: { text: string; proposalStatus: ProposalStatus } },
): Promise<MoveOutcome> {
  const { task } = move;
  const at = task.assignedAt;
  const release = {
    Update: {
      TableName: table,
      Key: keys.review(task.proposalId, move.from),
      UpdateExpression: 'SET #status = :moved, decidedAt = :at, movedTo = :to, GSI2SK = :listed',
      ConditionExpression: '#status = :pending AND attribute_exists(#token)',
      ExpressionAttributeNames: { '#status': 'status', '#token': 'token' },
      ExpressionAttributeValues: {
        ':moved': 'REASSIGNED',
        ':pending': 'PENDING',
        ':at': at,
        ':to': task.reviewerId,
        ':listed': keys.openTask(at, task.proposalId, move.from).GSI2SK,
      },
    },
  };
  const unload = unloadItem(table, move.from);
  const { put, load } = seatItems(table, task);
  const history = {
    Put: {
      TableName: table,
      Item: {
        ...keys.taskEvent(task.proposalId, at, move.from),
        at,
        status: move.note.proposalStatus,
        note: move.note.text,
      },
    },
  };
  // The old reviewer's load is already 0 (or the reviewer was removed): the seat moves without it.
  let withUnload = true;
  for (let attempt = 0; ; attempt++) {
    const items = withUnload ? [release, put, load, history, unload] : [release, put, load, history];
    try {
      await doc.send(new TransactWriteCommand({ TransactItems: items }));
      return 'moved';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes) {
        if (codes[0] === 'ConditionalCheckFailed') return 'task-changed';
        if (codes[1] === 'ConditionalCheckFailed') return 'task-exists';
        if (codes[2] === 'ConditionalCheckFailed') return 'reviewer-unavailable';
        if (withUnload && codes[4] === 'ConditionalCheckFailed') {
          withUnload = false;
          continue;
        }
      } else if ((error as Error).name !== 'TransactionConflictException') throw error;
      if (attempt + 1 >= CONFLICT_ATTEMPTS) {
        throw new AssignmentContentionError(
          `Moving the task of ${move.from} on proposal ${task.proposalId} kept colliding`,
        );
      }
      await backoff(attempt);
    }
  }
}

/** A stored task with its (secret) task token, for the paths that answer the execution. Never shown. */
export type TaskWithToken = ReviewTask & { token?: string };

/** A stored task item, checked, with its token when it has one. */
const withToken = (item: Record<string, unknown>): TaskWithToken => ({
  ...taskFromItem(item),
  ...(typeof item.token === 'string' ? { token: item.token } : {}),
});

/** The stored item of one reviewer's task on one proposal, read consistently. */
async function readTaskItem(
  doc: DynamoDBDocumentClient,
  table: string,
  proposalId: string,
  reviewerId: string,
): Promise<Record<string, unknown> | undefined> {
  const out = await doc.send(
    new GetCommand({ TableName: table, Key: keys.review(proposalId, reviewerId), ConsistentRead: true }),
  );
  return out.Item;
}

/** The stored task of one reviewer on one proposal with its token, for a path that answers the execution. */
export async function getTaskWithToken(
  doc: DynamoDBDocumentClient,
  table: string,
  proposalId: string,
  reviewerId: string,
): Promise<TaskWithToken | undefined> {
  const item = await readTaskItem(doc, table, proposalId, reviewerId);
  return item ? withToken(item) : undefined;
}

/** The stored task of one reviewer on one proposal, if any (token left out). */
export async function getTask(
  doc: DynamoDBDocumentClient,
  table: string,
  proposalId: string,
  reviewerId: string,
): Promise<ReviewTask | undefined> {
  const item = await readTaskItem(doc, table, proposalId, reviewerId);
  return item ? taskFromItem(item) : undefined;
}

/** One conditional update of a task; false when the condition failed (another request changed it first). */
async function updateTask(
  doc: DynamoDBDocumentClient,
  table: string,
  task: { proposalId: string; reviewerId: string },
  input: {
    update: string;
    condition: string;
    names?: Record<string, string>;
    values: Record<string, unknown>;
    /** The item after the update (default) or before it. */
    returnValues?: 'ALL_NEW' | 'ALL_OLD';
  },
): Promise<Record<string, unknown> | false> {
  try {
    const out = await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.review(task.proposalId, task.reviewerId),
        UpdateExpression: input.update,
        ConditionExpression: input.condition,
        ExpressionAttributeNames: { '#status': 'status', ...input.names },
        ExpressionAttributeValues: input.values,
        ReturnValues: input.returnValues ?? 'ALL_NEW',
      }),
    );
    return out.Attributes ?? {};
  } catch (error) {
    if (isConditionalFailure(error)) return false;
    throw error;
  }
}

const OPEN = { ':pending': 'PENDING', ':accepted': 'ACCEPTED' };
/** The task item's attribute that says its email was claimed (see `storeTaskToken`). */
const MAIL_CLAIM = 'mailClaim';

/**
 * Keeps the execution's task token on an open task when the task is handed to the reviewer (it never leaves the
 * backend), and claims the task's email in the same write: `mailClaimed` is true for the call that set the
 * claim (`claim`, a value unique to the call), false when an earlier call holds it (the reviewer has the link; a
 * new token needs no new email). The same write takes the task's invitation off the item and returns it, once
 * (a retry reads what the email needs). Returns undefined when the task is no longer open.
 */
export async function storeTaskToken(
  doc: DynamoDBDocumentClient,
  table: string,
  task: { proposalId: string; reviewerId: string },
  token: string,
  now: Date,
  claim: string = randomUUID(),
): Promise<(ReviewTask & { mailClaimed: boolean; invitation?: TaskInvitation }) | undefined> {
  // The item as it was before this write: the update changes none of the task's own fields, and an absent
  // claim is the one this write set (writes to one item are serialized).
  const before = await updateTask(doc, table, task, {
    update: 'SET #token = :token, sentAt = :now, #mail = if_not_exists(#mail, :claim) REMOVE #invitation',
    condition: '#status IN (:pending, :accepted)',
    names: { '#token': 'token', '#mail': MAIL_CLAIM, '#invitation': 'invitation' },
    values: { ':token': token, ':now': now.toISOString(), ':claim': claim, ...OPEN },
    returnValues: 'ALL_OLD',
  });
  if (!before) return undefined;
  const invitation = invitationSchema.safeParse(before.invitation);
  return {
    ...taskFromItem(before),
    mailClaimed: before[MAIL_CLAIM] === undefined,
    ...(invitation.success ? { invitation: invitation.data } : {}),
  };
}

/** Gives a task's email claim back (SES refused the email), only while it is still the one given. */
export async function releaseTaskMail(
  doc: DynamoDBDocumentClient,
  table: string,
  task: { proposalId: string; reviewerId: string },
  claim: string,
): Promise<void> {
  await updateTask(doc, table, task, {
    update: 'REMOVE #mail',
    condition: '#mail = :claim AND attribute_exists(#status)',
    names: { '#mail': MAIL_CLAIM },
    values: { ':claim': claim },
  });
}

/** The task a signed link names, read consistently (the index lookup only finds its keys), with its token. */
export async function findTaskByReviewId(
  doc: DynamoDBDocumentClient,
  table: string,
  reviewId: string,
): Promise<TaskWithToken | undefined> {
  const hit = await doc.send(
    new QueryCommand({
      TableName: table,
      IndexName: INDEXES.byReviewId,
      KeyConditionExpression: 'reviewId = :id',
      ExpressionAttributeValues: { ':id': reviewId },
    }),
  );
  const found = hit.Items?.[0];
  if (!found) return undefined;
  const out = await doc.send(
    new GetCommand({
      TableName: table,
      Key: keys.review(String(found.proposalId), String(found.reviewerId)),
      ConsistentRead: true,
    }),
  );
  return out.Item ? withToken(out.Item) : undefined;
}

/** The reviewer accepts a pending task; false when it is no longer pending. */
export async function acceptTask(
  doc: DynamoDBDocumentClient,
  table: string,
  task: { proposalId: string; reviewerId: string },
  at: Date,
): Promise<boolean> {
  const done = await updateTask(doc, table, task, {
    update: 'SET #status = :accepted, acceptedAt = :now',
    condition: '#status = :pending',
    values: { ':accepted': 'ACCEPTED', ':pending': 'PENDING', ':now': at.toISOString() },
  });
  return done !== false;
}

/**
 * Records a reviewer's scores on an open task (accepting it at once when it was pending); false when it is no
 * longer open. The token stays: the task is listed among the undelivered decisions, by when it was decided,
 * until the execution has the answer (`spendTaskToken`).
 */
export async function submitReview(
  doc: DynamoDBDocumentClient,
  table: string,
  task: { proposalId: string; reviewerId: string },
  review: { scores: Record<string, number>; score: number; comment?: string; at: Date },
): Promise<boolean> {
  const at = review.at.toISOString();
  const done = await updateTask(doc, table, task, {
    // A review without a comment stores none.
    update: `SET #status = :submitted, scores = :scores, score = :score, decidedAt = :now, GSI2SK = :listed${review.comment === undefined ? '' : ', #comment = :comment'}`,
    condition: '#status IN (:pending, :accepted)',
    names: review.comment === undefined ? {} : { '#comment': 'comment' },
    values: {
      ':submitted': 'SUBMITTED',
      ':scores': review.scores,
      ':score': review.score,
      ...(review.comment === undefined ? {} : { ':comment': review.comment }),
      ':now': at,
      ':listed': keys.openTask(at, task.proposalId, task.reviewerId).GSI2SK,
      ...OPEN,
    },
  });
  return done !== false;
}

/** Claims one reminder of a task (its marker absent and the task still open); false when already claimed. */
export async function claimReminder(
  doc: DynamoDBDocumentClient,
  table: string,
  task: { proposalId: string; reviewerId: string },
  marker: string,
): Promise<boolean> {
  const done = await updateTask(doc, table, task, {
    update: 'SET remindedAt = list_append(if_not_exists(remindedAt, :empty), :marker)',
    condition:
      '(attribute_not_exists(remindedAt) OR NOT contains(remindedAt, :m)) AND #status IN (:pending, :accepted)',
    values: { ':empty': [], ':marker': [marker], ':m': marker, ...OPEN },
  });
  return done !== false;
}

/**
 * Gives a claimed reminder back (its send failed), so the next sweep sends it; a no-op when the marker is gone.
 * Removes the marker by its position, conditioned on it still being there.
 */
export async function releaseReminder(
  doc: DynamoDBDocumentClient,
  table: string,
  task: { proposalId: string; reviewerId: string },
  marker: string,
): Promise<void> {
  const out = await doc.send(
    new GetCommand({
      TableName: table,
      Key: keys.review(task.proposalId, task.reviewerId),
      ProjectionExpression: 'remindedAt',
      ConsistentRead: true,
    }),
  );
  const markers = (out.Item?.remindedAt ?? []) as unknown[];
  const index = markers.indexOf(marker);
  if (index < 0) return;
  await updateTask(doc, table, task, {
    update: `REMOVE remindedAt[${index}]`,
    condition: `remindedAt[${index}] = :marker AND attribute_exists(#status)`,
    values: { ':marker': marker },
  });
}

/** Removes a spent task token and the task's listing (only if the token is still the one given). */
export async function spendTaskToken(
  doc: DynamoDBDocumentClient,
  table: string,
  task: { proposalId: string; reviewerId: string },
  token: string,
): Promise<void> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.review(task.proposalId, task.reviewerId),
        UpdateExpression: 'REMOVE #token, GSI2PK, GSI2SK',
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':token': token },
      }),
    );
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
  }
}

/**
 * Open tasks due up to `horizon` and decisions not yet delivered (listed by when they were decided), oldest
 * first, page by page, with their tokens.
 */
export async function* listedTasksUntil(
  doc: DynamoDBDocumentClient,
  table: string,
  horizon: Date,
): AsyncGenerator<TaskWithToken> {
  const pages = paginateQuery(
    { client: doc },
    {
      TableName: table,
      IndexName: INDEXES.listings,
      KeyConditionExpression: 'GSI2PK = :open AND GSI2SK <= :horizon',
      ExpressionAttributeValues: { ':open': 'OPEN_TASKS', ':horizon': `${horizon.toISOString()}~` },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) yield withToken(item);
  }
}

/**
 * The assignment core's ports on the table: tasks, the roster and atomic reservations. Given the proposal's
 * facts, each seat reserved for a known reviewer carries its invitation (see `TaskInvitation`). The roster is
 * listed in full at every call unless a `RosterReader` (one a Lambda sandbox keeps) reads it.
 */
export function assignmentPorts(
  doc: DynamoDBDocumentClient,
  table: string,
  proposal?: TaskInvitation['proposal'],
  rosterReader?: RosterReader,
): AssignmentPorts {
  return {
    async proposalTasks(proposalId) {
      const items = await queryTaskItems(doc, table, proposalId);
      const handedOut = new Set(
        items.filter((item) => item.token !== undefined).map((item) => String(item.reviewerId)),
      );
      return { tasks: items.map(taskFromItem), handedOut };
    },
    task: (proposalId, reviewerId) => getTask(doc, table, proposalId, reviewerId),
    roster: () => (rosterReader ? rosterReader.list() : listReviewers(doc, table)),
    reviewers: (ids) => getReviewers(doc, table, ids),
    reserve: (task, stats, reviewer) =>
      reserve(doc, table, task, stats, proposal && reviewer ? taskInvitation(proposal, reviewer) : undefined),
  };
}

/**
 * Moves an open task's due date (and its places in the reviewer's and the sweep's listings); false when the task
 * closed or its due date changed since it was read.
 */
export async function extendTask(
  doc: DynamoDBDocumentClient,
  table: string,
  task: { proposalId: string; reviewerId: string; dueAt: string },
  dueAt: Date,
): Promise<boolean> {
  const due = dueAt.toISOString();
  const done = await updateTask(doc, table, task, {
    update: 'SET dueAt = :due, GSI1SK = :g1, GSI2SK = :g2',
    condition: '#status IN (:pending, :accepted) AND dueAt = :old',
    values: {
      ':due': due,
      ':g1': keys.reviewerTasks(task.reviewerId, due, task.proposalId).GSI1SK,
      ':g2': keys.openTask(due, task.proposalId, task.reviewerId).GSI2SK,
      ':old': task.dueAt,
      ...OPEN,
    },
  });
  return done !== false;
}
