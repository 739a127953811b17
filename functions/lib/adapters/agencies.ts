/**
 * The agency registry in DynamoDB: agency items (PK AGENCY#<code>, SK PROFILE) listed on GSI2 (GSI2PK AGENCIES,
 * GSI2SK <code>). An import writes only the fields a registry file sets (SET what is present, REMOVE optional
 * fields now absent), so an update keeps nothing stale and leaves fields of later features untouched.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { AGENCY_FIELDS, type Agency, agencyFromItem } from '../agencies/schema';
import { AgencyRegistryError, validateAgencies } from '../agencies/validate';
import { INDEXES } from '../contract';
import { isConditionalFailure } from '../errors';
import { keys } from '../model';

/** Every agency of the registry, ordered by code (GSI2 query, all pages). */
export async function listAgencies(doc: DynamoDBDocumentClient, table: string): Promise<Agency[]> {
  const agencies: Agency[] = [];
  const pages = paginateQuery(
    { client: doc },
    {
      TableName: table,
      IndexName: INDEXES.listings,
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.agencyListing('').GSI2PK },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) agencies.push(agencyFromItem(item));
  }
  return agencies;
}

/** One agency by code (strongly consistent), or undefined when the registry does not hold it. */
export async function getAgency(
  doc: DynamoDBDocumentClient,
  table: string,
  code: string,
): Promise<Agency | undefined> {
  const out = await doc.send(
    new GetCommand({ TableName: table, Key: keys.agency(code), ConsistentRead: true }),
  );
  return out.Item ? agencyFromItem(out.Item) : undefined;
}

/** Reads agencies by code (strongly consistent, 100 keys per request, unprocessed keys retried). */
export async function getAgencies(
  doc: DynamoDBDocumentClient,
  table: string,
  codes: readonly string[],
): Promise<Map<string, Agency>> {
  const found = new Map<string, Agency>();
  for (let start = 0; start < codes.length; start += 100) {
    let pending: Array<Record<string, unknown>> = codes.slice(start, start + 100).map((c) => keys.agency(c));
    for (let round = 0; pending.length > 0; round++) {
      if (round > 0) await sleep(Math.random() * Math.min(1000, 50 * 2 ** round));
      const out = await doc.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[table] ?? []) {
        const agency = agencyFromItem(item);
        found.set(agency.code, agency);
      }
      pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return found;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

/** The registry fields that differ between what is stored and what the file says. */
export function changedAgencyFields(stored: Agency, next: Agency): Array<(typeof AGENCY_FIELDS)[number]> {
  return AGENCY_FIELDS.filter((field) => !sameValue(stored[field], next[field]));
}

export interface AgencyImportResult {
  created: number;
  updated: number;
  unchanged: number;
}

export interface AgencyImportOptions {
  onProgress?(done: number, total: number): void;
  /** Writes in flight at once (default 8). */
  concurrency?: number;
}

/** The update of a stored agency to the file's values: SET what is present, REMOVE optional fields now absent. */
function updateFor(table: string, agency: Agency) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const set: string[] = [];
  const remove: string[] = [];
  for (const field of AGENCY_FIELDS) {
    names[`#${field}`] = field;
    const value = agency[field];
    if (value === undefined) remove.push(`#${field}`);
    else {
      values[`:${field}`] = value;
      set.push(`#${field} = :${field}`);
    }
  }
  return new UpdateCommand({
    TableName: table,
    Key: keys.agency(agency.code),
    UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
    ConditionExpression: 'attribute_exists(PK)',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
}

/**
 * Imports an agency registry. Everything is validated first (an AgencyRegistryError lists every problem and
 * nothing is written); then each agency is created, updated or left alone when nothing changed, so
 * re-importing the same file changes nothing. Agencies absent from the file are kept.
 */
export async function importAgencies(
  doc: DynamoDBDocumentClient,
  table: string,
  agencies: readonly Agency[],
  options: AgencyImportOptions = {},
): Promise<AgencyImportResult> {
  const problems = validateAgencies(agencies);
  if (problems.length > 0) throw new AgencyRegistryError(problems);
  const stored = await getAgencies(
    doc,
    table,
    agencies.map((a) => a.code),
  );
  const result: AgencyImportResult = { created: 0, updated: 0, unchanged: 0 };
  const total = agencies.length;
  let done = 0;
  let next = 0;
  const write = async (agency: Agency): Promise<keyof AgencyImportResult> => {
    const current = stored.get(agency.code);
    if (current) {
      if (changedAgencyFields(current, agency).length === 0) return 'unchanged';
      await doc.send(updateFor(table, agency));
      return 'updated';
    }
    try {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...keys.agency(agency.code),
            ...keys.agencyListing(agency.code),
            ...Object.fromEntries(Object.entries(agency).filter(([, v]) => v !== undefined)),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return 'created';
    } catch (error) {
      // Created meanwhile by another import: update it instead.
      if (!isConditionalFailure(error)) throw error;
      await doc.send(updateFor(table, agency));
      return 'updated';
    }
  };
  const worker = async () => {
    while (next < agencies.length) {
      const agency = agencies[next++]!;
      result[await write(agency)]++;
      done++;
      options.onProgress?.(done, total);
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency ?? 8, agencies.length));
  await Promise.all(Array.from({ length: lanes }, worker));
  return result;
}
