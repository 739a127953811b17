/**
 * The roster in DynamoDB: reviewer items (PK REVIEWER#<id>, SK PROFILE) listed on GSI2 (GSI2PK REVIEWERS).
 * An import writes only the fields a roster file sets; `load` is owned by assignment and never touched by
 * an update (a new reviewer starts at 0).
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { INDEXES } from '../contract';
import { isConditionalFailure } from '../errors';
import { keys, type Reviewer } from '../model';
import { ROSTER_FIELDS, reviewerFromItem } from '../roster/schema';
import { RosterError, validateRoster } from '../roster/validate';

/** Every reviewer of the roster, ordered by id (GSI2 query, all pages). */
export async function listReviewers(doc: DynamoDBDocumentClient, table: string): Promise<Reviewer[]> {
  const reviewers: Reviewer[] = [];
  const pages = paginateQuery(
    { client: doc },
    {
      TableName: table,
      IndexName: INDEXES.listings,
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.rosterListing('').GSI2PK },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) reviewers.push(reviewerFromItem(item));
  }
  return reviewers;
}

/** Reads reviewers by id (strongly consistent, 100 keys per request, unprocessed keys retried). */
export async function getReviewers(
  doc: DynamoDBDocumentClient,
  table: string,
  ids: readonly string[],
): Promise<Map<string, Reviewer>> {
  const found = new Map<string, Reviewer>();
  for (let start = 0; start < ids.length; start += 100) {
    let pending: Array<Record<string, unknown>> = ids
      .slice(start, start + 100)
      .map((id) => keys.reviewer(id));
    for (let round = 0; pending.length > 0; round++) {
      if (round > 0) await sleep(Math.random() * Math.min(1000, 50 * 2 ** round));
      const out = await doc.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[table] ?? []) {
        const reviewer = reviewerFromItem(item);
        found.set(reviewer.id, reviewer);
      }
      pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return found;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The object without undefined properties (the client may not be set to remove them). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

/** The roster fields that differ between what is stored and what the file says. */
export function changedFields(stored: Reviewer, next: Reviewer): Array<(typeof ROSTER_FIELDS)[number]> {
  return ROSTER_FIELDS.filter((field) => !sameValue(stored[field], next[field]));
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportOptions {
  onProgress?(done: number, total: number): void;
  /** Writes in flight at once (default 8). */
  concurrency?: number;
}

/** The update of a stored reviewer to the file's values: SET what is present, REMOVE optional fields now absent. */
function updateFor(table: string, reviewer: Reviewer) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const set: string[] = [];
  const remove: string[] = [];
  for (const field of ROSTER_FIELDS) {
    names[`#${field}`] = field;
    const value = reviewer[field];
    if (value === undefined) remove.push(`#${field}`);
    else {
      values[`:${field}`] = value;
      set.push(`#${field} = :${field}`);
    }
  }
  return new UpdateCommand({
    TableName: table,
    Key: keys.reviewer(reviewer.id),
    UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
    ConditionExpression: 'attribute_exists(PK)',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
}

/**
 * Imports a roster. Everything is validated first (a RosterError lists every problem and nothing is
 * written); then each reviewer is created (load 0), updated (only roster fields; `load` untouched) or
 * left alone when nothing changed, so re-importing the same file changes nothing.
 */
export async function importRoster(
  doc: DynamoDBDocumentClient,
  table: string,
  reviewers: readonly Reviewer[],
  options: ImportOptions = {},
): Promise<ImportResult> {
  const problems = validateRoster(reviewers);
  if (problems.length > 0) throw new RosterError(problems);
  const stored = await getReviewers(
    doc,
    table,
    reviewers.map((r) => r.id),
  );
  const result: ImportResult = { created: 0, updated: 0, unchanged: 0 };
  const total = reviewers.length;
  let done = 0;
  let next = 0;
  const write = async (reviewer: Reviewer): Promise<keyof ImportResult> => {
    const current = stored.get(reviewer.id);
    if (current) {
      if (changedFields(current, reviewer).length === 0) return 'unchanged';
      await doc.send(updateFor(table, reviewer));
      return 'updated';
    }
    try {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...keys.reviewer(reviewer.id),
            ...keys.rosterListing(reviewer.id),
            ...defined(reviewer),
            load: 0,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return 'created';
    } catch (error) {
      // Created meanwhile by another import: update it instead, still without touching its load.
      if (!isConditionalFailure(error)) throw error;
      await doc.send(updateFor(table, reviewer));
      return 'updated';
    }
  };
  const worker = async () => {
    while (next < reviewers.length) {
      const reviewer = reviewers[next++]!;
      result[await write(reviewer)]++;
      done++;
      options.onProgress?.(done, total);
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency ?? 8, reviewers.length));
  await Promise.all(Array.from({ length: lanes }, worker));
  return result;
}
