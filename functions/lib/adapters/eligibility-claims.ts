import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { asTransient } from '../errors';
import { normalizeName } from '../model';

/**
 * The competition-wide rules that need the table: one title per competition and a quota of proposals per
 * institution and group. Both are claimed atomically, so two proposals uploaded at the same moment cannot both
 * pass; a retried Lambda finds its own claim and counts nothing twice.
 */
export async function claimTitle(
  doc: DynamoDBDocumentClient,
  table: string,
  proposalId: string,
  title: string,
): Promise<{ ok: true } | { ok: false; heldBy: string }> {
  const key = { PK: `TITLE#${normalizeName(title)}`, SK: 'CLAIM' };
  try {
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: { ...key, proposalId, title },
              ConditionExpression: 'attribute_not_exists(PK) OR proposalId = :me',
              ExpressionAttributeValues: { ':me': proposalId },
            },
          },
        ],
      }),
    );
    return { ok: true };
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') throw asTransient(error);
    const out = await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    return { ok: false, heldBy: String(out.Item?.proposalId ?? 'unknown') };
  }
}

/** Takes one place in the institution's quota for the group; `ok: false` when the quota is already full. */
export async function claimQuota(
  doc: DynamoDBDocumentClient,
  table: string,
  proposalId: string,
  institution: string,
  group: string,
  quota: number,
): Promise<{ ok: boolean; used: number }> {
  const counterKey = { PK: `QUOTA#${normalizeName(institution)}#${group}`, SK: 'COUNT' };
  const memberKey = { PK: counterKey.PK, SK: `PROPOSAL#${proposalId}` };
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
    if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') throw asTransient(error);
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    const counter = await doc.send(
      new GetCommand({ TableName: table, Key: counterKey, ConsistentRead: true }),
    );
    const used = Number(counter.Item?.used ?? 0);
    // The member already exists: a retry of a claim that succeeded.
    if (reasons[0]?.Code === 'ConditionalCheckFailed') return { ok: true, used };
    if (reasons[1]?.Code === 'ConditionalCheckFailed') return { ok: false, used };
    throw asTransient(error);
  }
  const counter = await doc.send(new GetCommand({ TableName: table, Key: counterKey, ConsistentRead: true }));
  return { ok: true, used: Number(counter.Item?.used ?? 0) };
}
