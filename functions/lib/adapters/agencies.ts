/**
 * The agency registry in DynamoDB: agency items (PK AGENCY#<code>, SK PROFILE) listed on GSI2 (GSI2PK AGENCIES,
 * GSI2SK <code>). An import writes only the fields a registry file sets (SET what is present, REMOVE optional
 * fields now absent), so an update keeps nothing stale and leaves fields of later features untouched. Storage
 * and import are the shared registry's (./registry.ts).
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AGENCY_FIELDS, type Agency, agencyFromItem } from '../agencies/schema';
import { AgencyRegistryError, validateAgencies } from '../agencies/validate';
import { isConditionalFailure } from '../errors';
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
  const found = await getAgencyForPortal(doc, table, code);
  if (!found) return undefined;
  const { generation: _generation, ...agency } = found;
  return agency;
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

/**
 * An agency with the generation of its portal links (0 until a revocation): links signed with an older
 * generation are refused. Undefined when the registry does not hold the agency.
 */
export async function getAgencyForPortal(
  doc: DynamoDBDocumentClient,
  table: string,
  code: string,
): Promise<(Agency & { generation: number }) | undefined> {
  const out = await doc.send(
    new GetCommand({ TableName: table, Key: keys.agency(code), ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  const generation = typeof out.Item.linkGeneration === 'number' ? out.Item.linkGeneration : 0;
  return { ...agencyFromItem(out.Item), generation };
}

/**
 * Revokes every portal link of an agency (raises its link generation); returns the new generation, which new
 * invitations are signed with, or undefined when the agency is not registered.
 */
export async function revokePortalLinks(
  doc: DynamoDBDocumentClient,
  table: string,
  code: string,
): Promise<number | undefined> {
  try {
    const out = await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.agency(code),
        UpdateExpression: 'ADD linkGeneration :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.linkGeneration);
  } catch (error) {
    if (isConditionalFailure(error)) return undefined;
    throw error;
  }
}
