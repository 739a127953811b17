/**
 * The roster in DynamoDB: reviewer items (PK REVIEWER#<id>, SK PROFILE) listed on GSI2 (GSI2PK REVIEWERS).
 * An import writes only the fields a roster file sets; `load` is owned by assignment and never touched by
 * an update (a new reviewer starts at 0). Storage and import are the shared registry's (./registry.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys, type Reviewer } from '../model';
import { MalformedReviewerError, ROSTER_FIELDS, reviewerFromItem } from '../roster/schema';
import { RosterError, validateRoster } from '../roster/validate';
import * as z from '../zod';
import {
  getRecords,
  type ImportOptions,
  type ImportResult,
  importRecords,
  listItems,
  listRecords,
  type Registry,
} from './registry';

const roster: Registry<Reviewer> = {
  fields: ROSTER_FIELDS,
  idOf: (reviewer) => reviewer.id,
  key: keys.reviewer,
  listing: keys.rosterListing,
  fromItem: reviewerFromItem,
  initial: { load: 0 },
};

/** Every reviewer of the roster, ordered by id. */
export function listReviewers(doc: DynamoDBDocumentClient, table: string): Promise<Reviewer[]> {
  return listRecords(doc, table, roster);
}

/** What the cheap listing reads of each reviewer: the load, and the revision the last import gave the item. */
const standingSchema = z.object({
  id: z.string().check(z.minLength(1)),
  load: z.int().check(z.minimum(0)),
  revision: z.optional(z.string()),
});

/** Above this many reviewers new or changed since the last listing, one full listing beats reading them by id. */
const READ_BY_ID_AT_MOST = 50;

/**
 * The whole roster for assignment, read at a fraction of a full listing's cost once warm: each call lists every
 * reviewer's id, load and revision (an import gives an item a new revision whenever it changes a field; see
 * ./registry.ts) and takes the rest (expertise, conflicts, capacity, ...) from what this reader read before at
 * the same revision. Reviewers new or changed since are read by id, or, past READ_BY_ID_AT_MOST of them (and
 * the first time), the roster is listed in full. Loads are always the listing's, as with `listReviewers`.
 *
 * One reader lives as long as a Lambda sandbox; it holds at most the roster of the latest listing. A reviewer
 * item written by something other than the import (or assignment's load) keeps its revision, so such a write
 * would not be seen until the sandbox ends: every tool here writes reviewers through `importRoster`.
 */
export class RosterReader {
  #known = new Map<string, { revision: string; reviewer: Reviewer }>();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async list(): Promise<Reviewer[]> {
    if (this.#known.size === 0) return this.#listInFull();
    const standings = (
      await listItems(this.doc, this.table, roster, {
        ProjectionExpression: '#id, #load, #revision',
        ExpressionAttributeNames: { '#id': 'id', '#load': 'load', '#revision': 'revision' },
      })
    ).map((item) => {
      const parsed = standingSchema.safeParse(item);
      if (parsed.success) return parsed.data;
      throw new MalformedReviewerError(
        `Malformed reviewer item ${keys.reviewer(String(item.id)).PK}: ${z.prettifyError(parsed.error)}`,
      );
    });
    const unknown = standings.filter(({ id, revision = '' }) => this.#known.get(id)?.revision !== revision);
    if (unknown.length > READ_BY_ID_AT_MOST) return this.#listInFull();
    // Read by id (strongly consistent): never older than the revision the listing showed; when newer, the next
    // listing shows another revision and the reviewer is read again.
    const ids = unknown.map((standing) => standing.id);
    const read = ids.length > 0 ? await getReviewers(this.doc, this.table, ids) : undefined;
    const known = new Map<string, { revision: string; reviewer: Reviewer }>();
    for (const { id, load, revision = '' } of standings) {
      const fresh = read?.get(id);
      const held = this.#known.get(id);
      if (fresh) known.set(id, { revision, reviewer: fresh });
      else if (held?.revision === revision) known.set(id, { revision, reviewer: { ...held.reviewer, load } });
    }
    this.#known = known;
    return [...known.values()].map((entry) => entry.reviewer);
  }

  async #listInFull(): Promise<Reviewer[]> {
    const known = new Map<string, { revision: string; reviewer: Reviewer }>();
    for (const item of await listItems(this.doc, this.table, roster)) {
      const reviewer = reviewerFromItem(item);
      known.set(reviewer.id, { revision: String(item.revision ?? ''), reviewer });
    }
    this.#known = known;
    return [...known.values()].map((entry) => entry.reviewer);
  }
}

/** Reads reviewers by id (strongly consistent). */
export function getReviewers(
  doc: DynamoDBDocumentClient,
  table: string,
  ids: readonly string[],
): Promise<Map<string, Reviewer>> {
  return getRecords(doc, table, roster, ids);
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
  return importRecords(doc, table, roster, reviewers, options);
}
