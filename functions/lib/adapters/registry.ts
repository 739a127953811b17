/**
 * What the table's registries (the reviewer roster, the agency registry) share: items keyed `<KIND>#<id>` /
 * `PROFILE`, listed on GSI2 under one partition ordered by id, read in batches, and imported idempotently: each
 * record is created, updated (SET the fields the file gives, REMOVE optional ones it no longer gives, nothing
 * else touched) or left alone when nothing changed. Every write of an import gives the item a new `revision` (a
 * random id), so a reader can tell whether what it read earlier is still what the item holds
 * (./roster.ts `RosterReader`).
 */
import { randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { INDEXES } from '../contract';
import { isConditionalFailure } from '../errors';

/** How one registry is stored. */
export interface Registry<T> {
  /** The fields a registry file sets (and an import writes). */
  fields: readonly (keyof T & string)[];
  idOf(record: T): string;
  key(id: string): { PK: string; SK: string };
  listing(id: string): { GSI2PK: string; GSI2SK: string };
  /** A stored item, checked. */
  fromItem(item: Record<string, unknown>): T;
  /** Attributes a new item starts with besides the file's (e.g. a reviewer's load). */
  initial?: Record<string, unknown>;
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

/** Every record of the registry, ordered by id (GSI2 query, all pages). */
export async function listRecords<T>(
  doc: DynamoDBDocumentClient,
  table: string,
  registry: Registry<T>,
): Promise<T[]> {
  return (await listItems(doc, table, registry)).map((item) => registry.fromItem(item));
}

/** The registry's stored items as they are, ordered by id, or only the attributes a projection names. */
export async function listItems<T>(
  doc: DynamoDBDocumentClient,
  table: string,
  registry: Registry<T>,
  projection?: { ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> },
): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  const pages = paginateQuery(
    { client: doc },
    {
      TableName: table,
      IndexName: INDEXES.listings,
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': registry.listing('').GSI2PK },
      ...projection,
    },
  );
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reads records by id (strongly consistent, 100 keys per request, unprocessed keys retried with backoff). */
export async function getRecords<T>(
  doc: DynamoDBDocumentClient,
  table: string,
  registry: Registry<T>,
  ids: readonly string[],
): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  for (let start = 0; start < ids.length; start += 100) {
    let pending: Array<Record<string, unknown>> = ids.slice(start, start + 100).map((id) => registry.key(id));
    for (let round = 0; pending.length > 0; round++) {
      if (round > 0) await sleep(Math.random() * Math.min(1000, 50 * 2 ** round));
      const out = await doc.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[table] ?? []) {
        const record = registry.fromItem(item);
        found.set(registry.idOf(record), record);
      }
      pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return found;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

/** The registry fields that differ between what is stored and what the file says. */
export function changedFields<T>(registry: Registry<T>, stored: T, next: T): Array<keyof T & string> {
  return registry.fields.filter((field) => !sameValue(stored[field], next[field]));
}

/**
 * The update of a stored record to the file's values: SET what is present (and a new revision), REMOVE optional
 * fields now absent.
 */
function updateFor<T>(table: string, registry: Registry<T>, record: T) {
  const names: Record<string, string> = { '#revision': 'revision' };
  const values: Record<string, unknown> = { ':revision': randomUUID() };
  const set: string[] = ['#revision = :revision'];
  const remove: string[] = [];
  for (const field of registry.fields) {
    names[`#${field}`] = field;
    const value = record[field];
    if (value === undefined) remove.push(`#${field}`);
    else {
      values[`:${field}`] = value;
      set.push(`#${field} = :${field}`);
    }
  }
  return new UpdateCommand({
    TableName: table,
    Key: registry.key(registry.idOf(record)),
    UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
    ConditionExpression: 'attribute_exists(PK)',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
}

/**
 * Writes already validated records: each is created, updated or left alone when nothing changed, so importing
 * the same file again changes nothing. Records absent from the file are kept.
 */
export async function importRecords<T extends object>(
  doc: DynamoDBDocumentClient,
  table: string,
  registry: Registry<T>,
  records: readonly T[],
  options: ImportOptions = {},
): Promise<ImportResult> {
  const stored = await getRecords(doc, table, registry, records.map(registry.idOf));
  const result: ImportResult = { created: 0, updated: 0, unchanged: 0 };
  let done = 0;
  let next = 0;
  const write = async (record: T): Promise<keyof ImportResult> => {
    const id = registry.idOf(record);
    const current = stored.get(id);
    if (current) {
      if (changedFields(registry, current, record).length === 0) return 'unchanged';
      await doc.send(updateFor(table, registry, record));
      return 'updated';
    }
    try {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...registry.key(id),
            ...registry.listing(id),
            ...Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)),
            ...registry.initial,
            revision: randomUUID(),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return 'created';
    } catch (error) {
      // Created meanwhile by another import: update it instead (still only the file's fields).
      if (!isConditionalFailure(error)) throw error;
      await doc.send(updateFor(table, registry, record));
      return 'updated';
    }
  };
  const worker = async () => {
    while (next < records.length) {
      const record = records[next++] as T;
      result[await write(record)]++;
      done++;
      options.onProgress?.(done, records.length);
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency ?? 8, records.length));
  await Promise.all(Array.from({ length: lanes }, worker));
  return result;
}
