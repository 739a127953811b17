/**
 * The agency registry in DynamoDB: agency items (PK AGENCY#<code>, SK PROFILE) listed on GSI2 (GSI2PK AGENCIES,
 * GSI2SK <code>). An import writes only the fields a registry file sets (SET what is present, REMOVE optional
 * fields now absent), so an update keeps nothing stale and leaves fields of later features untouched. Storage
 * and import are the shared registry's (./registry.ts).
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AGENCY_FIELDS, type Agency, agencyFromItem } from '../agencies/schema';
import { AgencyRegistryError, validateAgencies } from '../agencies/validate';
import { INDEXES, keys } from '../model';
import {
  getRecords,
  type ImportOptions,
  type ImportResult,
  importRecords,
  listRecords,
  type Registry,
} from './registry';

const registry: Registry<Agency> = {
  fields: AGENCY_FIELDS,
  idOf: (agency) => agency.code,
  key: keys.agency,
  listing: keys.agencyListing,
  fromItem: agencyFromItem,
};

/** Every agency of the registry, ordered by code. */
export function listAgencies(doc: DynamoDBDocumentClient, table: string): Promise<Agency[]> {
  return listRecords(doc, table, registry);
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

/**
 * Whether the registry holds any agency: a deployment that never imported one checks Instansi and counts quotas
 * as before (functions/lib/validation/claims.ts). One item read from the listing index.
 */
export async function registryInUse(doc: DynamoDBDocumentClient, table: string): Promise<boolean> {
  const out = await doc.send(
    new QueryCommand({
      TableName: table,
      IndexName: INDEXES.listings,
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.agencyListing('').GSI2PK },
      Limit: 1,
      ProjectionExpression: 'PK',
    }),
  );
  return (out.Items?.length ?? 0) > 0;
}

/** Reads agencies by code (strongly consistent). */
export function getAgencies(
  doc: DynamoDBDocumentClient,
  table: string,
  codes: readonly string[],
): Promise<Map<string, Agency>> {
  return getRecords(doc, table, registry, codes);
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
  options: ImportOptions = {},
): Promise<ImportResult> {
  const problems = validateAgencies(agencies);
  if (problems.length > 0) throw new AgencyRegistryError(problems);
  return importRecords(doc, table, registry, agencies, options);
}
