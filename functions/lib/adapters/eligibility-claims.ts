/**
 * The eligibility claims on the table: one title per agency and a quota of proposals per agency and group (per
 * competition and institution where no agency registry is kept). Both are claimed atomically, so two proposals uploaded at the same moment cannot both pass; a retried
 * Lambda finds its own claim and counts nothing twice. Which claim is made when, and what a refusal means, is
 * core (functions/lib/validation/claims.ts); `eligibilityClaims` gives it these functions as its ports.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, isConditionalFailure, TransientError } from '../errors';
import { normalizeName } from '../model';
import type { ClaimScope, EligibilityClaims, QuotaClaim, TitleClaim } from '../validation/claims';

/** The scope part of a claim key: an agency code as is (a slug), an institution normalized. */
const scopeKey = (scope: ClaimScope) =>
  'agency' in scope ? `AGENCY#${scope.agency}` : normalizeName(scope.institution);

/**
 * The claim items' keys (titles and institutions normalized with `normalizeName`). An agency's claims carry
 * `AGENCY#<code>` (upper case, so never equal to a normalized name); without a registry, quotas key on the
 * institution and titles on the competition, as before.
 */
export const claimKeys = {
  /** The title claim: holds the `proposalId` that owns the title. */
  title: (scope: ClaimScope, title: string) => ({
    PK:
      'agency' in scope
        ? `TITLE#${scopeKey(scope)}#${normalizeName(title)}`
        : `TITLE#${normalizeName(title)}`,
    SK: 'CLAIM',
  }),
  /** The quota counter of an agency (or institution) in a group: holds `used`. */
  quotaCounter: (scope: ClaimScope, group: string) => ({
    PK: `QUOTA#${scopeKey(scope)}#${group}`,
    SK: 'COUNT',
  }),
  /** One per counted proposal, so a retried claim counts nothing twice. */
  quotaMember: (scope: ClaimScope, group: string, proposalId: string) => ({
    PK: `QUOTA#${scopeKey(scope)}#${group}`,
    SK: `PROPOSAL#${proposalId}`,
  }),
};

/** The scope as a message names it. */
const scopeName = (scope: ClaimScope) => ('agency' in scope ? `agency ${scope.agency}` : scope.institution);

/** The eligibility check's ports (functions/lib/validation/claims.ts) on the table. */
export function eligibilityClaims(doc: DynamoDBDocumentClient, table: string): EligibilityClaims {
  return {
    claimTitle: (proposalId, scope, title) => claimTitle(doc, table, proposalId, scope, title),
    claimQuota: (proposalId, scope, group, quota) => claimQuota(doc, table, proposalId, scope, group, quota),
    releaseTitle: (proposalId, scope, title) => releaseTitle(doc, table, proposalId, scope, title),
  };
}

/**
 * A claim cancelled because another transaction held the same item at that moment (not because a condition
 * failed): a passing cause, retried by the state machine with jitter instead of failing the proposal.
 */
const collided = (error: Error, what: string) =>
  new TransientError(`The claim on the ${what} collided with another one`, { cause: error });

/** Claims a title for the proposal; a title the proposal already holds is claimed again. */
export async function claimTitle(
  doc: DynamoDBDocumentClient,
  table: string,
  proposalId: string,
  scope: ClaimScope,
  title: string,
): Promise<TitleClaim> {
  const key = claimKeys.title(scope, title);
  try {
    // One conditional put: atomic on its own (a transaction would cost twice and only add collisions).
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { ...key, proposalId, title },
        ConditionExpression: 'attribute_not_exists(PK) OR proposalId = :me',
        ExpressionAttributeValues: { ':me': proposalId },
      }),
    );
    return { ok: true };
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
    const out = await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    return { ok: false, heldBy: String(out.Item?.proposalId ?? 'unknown') };
  }
}

/** Takes one place in the agency's (or institution's) quota for the group; `ok: false` when the quota is already full. */
export async function claimQuota(
  doc: DynamoDBDocumentClient,
  table: string,
  proposalId: string,
  scope: ClaimScope,
  group: string,
  quota: number,
): Promise<QuotaClaim> {
  const counterKey = claimKeys.quotaCounter(scope, group);
  const memberKey = claimKeys.quotaMember(scope, group, proposalId);
  try {
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: { ...memberKey, proposalId },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Update: {
              TableName: table,
              Key: counterKey,
              UpdateExpression: 'ADD used :one',
              ConditionExpression: 'attribute_not_exists(used) OR used < :quota',
              ExpressionAttributeValues: { ':one': 1, ':quota': quota },
            },
          },
        ],
      }),
    );
  } catch (error) {
    const codes = cancellationCodes(error);
    if (!codes) throw error;
    // The member already exists: a retry of a claim that succeeded.
    if (codes[0] === 'ConditionalCheckFailed') return { ok: true };
    if (codes[1] === 'ConditionalCheckFailed') {
      const counter = await doc.send(
        new GetCommand({ TableName: table, Key: counterKey, ConsistentRead: true }),
      );
      return { ok: false, used: Number(counter.Item?.used ?? quota) };
    }
    throw collided(error as Error, `quota of ${scopeName(scope)} in ${group}`);
  }
  // Taken: the transaction's condition kept the count within the quota (nothing to read back).
  return { ok: true };
}

/**
 * Frees a title claim, only if this proposal holds it (a refused proposal frees its title for a corrected
 * upload). `false` when the title is not held by this proposal: nothing is deleted then.
 */
export async function releaseTitle(
  doc: DynamoDBDocumentClient,
  table: string,
  proposalId: string,
  scope: ClaimScope,
  title: string,
): Promise<boolean> {
  try {
    await doc.send(
      new DeleteCommand({
        TableName: table,
        Key: claimKeys.title(scope, title),
        ConditionExpression: 'proposalId = :me',
        ExpressionAttributeValues: { ':me': proposalId },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalFailure(error)) return false;
    throw error;
  }
}
