/**
 * The roster in DynamoDB: reviewer items (PK REVIEWER#<id>, SK PROFILE) listed on GSI2 (GSI2PK REVIEWERS).
 * An import writes only the fields a roster file sets; `load` is owned by assignment and never touched by
 * an update (a new reviewer starts at 0). Storage and import are the shared registry's (./registry.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys, type Reviewer } from '../model';
import { ROSTER_FIELDS, reviewerFromItem } from '../roster/schema';
import { RosterError, validateRoster } from '../roster/validate';
import {
  getRecords,
  type ImportOptions,
  type ImportResult,
  importRecords,
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
