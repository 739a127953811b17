/**
 * A reminder's claim given back on DynamoDB Local (releaseReminder): the sweep claims a reminder before it sends it
 * and gives the claim back when the send fails, so the next sweep sends it.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimReminder, getTask, releaseReminder } from '../../functions/lib/adapters/review-tasks';
import { keys } from '../../functions/lib/model';
import { startTestTable, type TestTable } from '../../local/emulators/table';

let db: TestTable;
beforeAll(async () => {
  db = await startTestTable();
});
afterAll(async () => {
  await db?.close();
});

let serial = 0;
async function openTask(status = 'PENDING') {
  const task = { proposalId: `p-release-${++serial}`, reviewerId: `rev-release-${serial}` };
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        ...keys.review(task.proposalId, task.reviewerId),
        ...task,
        reviewId: `review-release-${serial}`,
        status,
        attempt: 1,
        assignedAt: '2025-07-01T00:00:00.000Z',
        dueAt: '2025-07-15T00:00:00.000Z',
      },
    }),
  );
  return task;
}
const reminded = async (task: { proposalId: string; reviewerId: string }) =>
  (await getTask(db.doc, db.tableName, task.proposalId, task.reviewerId))?.remindedAt ?? [];

describe('giving a reminder claim back', () => {
  it('removes only that marker, so the same reminder can be claimed again', async () => {
    const task = await openTask();
    expect(await claimReminder(db.doc, db.tableName, task, 'offset:-3')).toBe(true);
    expect(await claimReminder(db.doc, db.tableName, task, 'offset:1')).toBe(true);

    await releaseReminder(db.doc, db.tableName, task, 'offset:-3');

    expect(await reminded(task)).toEqual(['offset:1']);
    expect(await claimReminder(db.doc, db.tableName, task, 'offset:-3')).toBe(true);
    expect(await reminded(task)).toEqual(['offset:1', 'offset:-3']);
  });

  it('does nothing for a marker that is not there, or twice', async () => {
    const task = await openTask();
    expect(await claimReminder(db.doc, db.tableName, task, 'offset:-3')).toBe(true);

    await releaseReminder(db.doc, db.tableName, task, 'offset:1');
    await releaseReminder(db.doc, db.tableName, task, 'offset:-3');
    await releaseReminder(db.doc, db.tableName, task, 'offset:-3');

    expect(await reminded(task)).toEqual([]);
  });
});
