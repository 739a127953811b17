import { readFileSync } from 'node:fs';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { assignmentPorts, releaseReviewer } from '../../../functions/lib/adapters/review-tasks';
import { assignReviewers } from '../../../functions/lib/assignment';
import type { AssignmentProfile } from '../../../functions/lib/assignment/profile';
import type { ProposalForAssignment } from '../../../functions/lib/assignment/rules';
import type { Reviewer } from '../../../functions/lib/model';

const fixture = (name: string) => new URL(`../../fixtures/rosters/${name}`, import.meta.url);
const roster: Reviewer[] = JSON.parse(readFileSync(fixture('small.json'), 'utf8'));
const profile: AssignmentProfile = JSON.parse(readFileSync(fixture('profile.json'), 'utf8'));
const TABLE = 'proposals-test';
const NOW = new Date('2025-07-01T00:00:00.000Z');

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const ddb = mockClient(DynamoDBDocumentClient);

const proposal: ProposalForAssignment = {
  id: 'p-1',
  institution: 'Dinas Kesehatan Kota Surabaya',
  agency: 'dinkes-surabaya',
  category: 'kesehatan',
  contactEmail: 'budi.santoso@example.go.id',
};

function rosterItems(reviewers: Reviewer[]) {
  return reviewers.map((r) => ({
    PK: `REVIEWER#${r.id}`,
    SK: 'PROFILE',
    GSI2PK: 'REVIEWERS',
    GSI2SK: r.id,
    ...r,
  }));
}

function cancelled(codes: string[]) {
  return new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

beforeEach(() => {
  ddb.reset();
  ddb.on(QueryCommand, { IndexName: 'GSI2' }).resolves({ Items: rosterItems(roster) });
  ddb
    .on(QueryCommand, { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :review)' })
    .resolves({ Items: [] });
});

describe('reserving reviewers with one transaction each', () => {
  it('puts the task only if absent and raises the load only below capacity, in the same transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const result = await assignReviewers(assignmentPorts(doc, TABLE), proposal, profile, NOW);
    expect(result.missing).toBe(0);
    expect(result.unsent.sort()).toEqual(result.tasks.map((t) => t.reviewerId).sort());
    // r-health-busy (an expert far ahead of the roster's pace) yields its extra seat to r-same-city.
    expect(result.tasks.map((t) => t.reviewerId)).toEqual(
      ['r-health-free', 'r-gov-free', 'r-same-city'].sort(),
    );
    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(3);
    const [put, update] = calls[0]!.args[0].input.TransactItems!;
    expect(put?.Put?.ConditionExpression).toBe('attribute_not_exists(PK)');
    expect(put?.Put?.Item).toMatchObject({
      PK: 'PROPOSAL#p-1',
      SK: 'REVIEW#r-health-free',
      GSI1PK: 'REVIEWER#r-health-free',
      GSI1SK: '2025-07-15T00:00:00.000Z#p-1',
      GSI2PK: 'OPEN_TASKS',
      status: 'PENDING',
      attempt: 1,
    });
    expect(update?.Update?.Key).toEqual({ PK: 'REVIEWER#r-health-free', SK: 'PROFILE' });
    expect(update?.Update?.UpdateExpression).toBe('SET #load = #load + :one');
    expect(update?.Update?.ConditionExpression).toBe(
      'attribute_exists(PK) AND #load < #capacity AND #active = :true',
    );
  });

  it('moves on to the next candidate when a reviewer filled up since the roster was read', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['None', 'ConditionalCheckFailed']))
      .resolves({});
    const full = { ...roster.find((r) => r.id === 'r-health-free')!, load: 10 };
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: rosterItems([full]) } });
    const result = await assignReviewers(assignmentPorts(doc, TABLE), proposal, profile, NOW);
    expect(result.tasks.map((t) => t.reviewerId)).not.toContain('r-health-free');
    expect(result.tasks).toHaveLength(3);
    expect(result.stats).toMatchObject({ transactions: 4, retries: 1, capacityRaces: 1 });
  });

  it('retries the same reviewer after a transaction collision, with a bounded number of attempts', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['TransactionConflict', 'None']))
      .resolves({});
    const result = await assignReviewers(assignmentPorts(doc, TABLE), proposal, profile, NOW);
    expect(result.tasks.map((t) => t.reviewerId)).toContain('r-health-free');
    expect(result.stats).toMatchObject({ transactions: 4, collisions: 1 });

    ddb.on(TransactWriteCommand).rejects(cancelled(['TransactionConflict', 'None']));
    await expect(assignReviewers(assignmentPorts(doc, TABLE), proposal, profile, NOW)).rejects.toMatchObject({
      name: 'AssignmentContention',
    });
  });

  it('reserves nothing when the proposal already has its reviewers', async () => {
    const held = ['r-health-free', 'r-gov-free', 'r-edu-half'].map((reviewerId) => ({
      PK: 'PROPOSAL#p-1',
      SK: `REVIEW#${reviewerId}`,
      proposalId: 'p-1',
      reviewerId,
      reviewId: `id-${reviewerId}`,
      status: 'PENDING',
      attempt: 1,
      assignedAt: NOW.toISOString(),
      dueAt: NOW.toISOString(),
      token: 'secret-token',
    }));
    ddb
      .on(QueryCommand, { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :review)' })
      .resolves({ Items: held });
    const result = await assignReviewers(assignmentPorts(doc, TABLE), proposal, profile, NOW);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(result.tasks).toHaveLength(3);
    expect(result.tasks.every((t) => !('token' in t) && !('PK' in t))).toBe(true);
    expect(result.unsent).toEqual([]);
  });
});

describe('releasing a reviewer', () => {
  it('closes the open task and lowers the load in one transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const at = new Date('2025-07-02T00:00:00.000Z');
    expect(
      await releaseReviewer(doc, TABLE, 'p-1', 'r-1', 'DECLINED', { at, declineReason: 'Cuti' }),
    ).toEqual({
      released: true,
    });
    const [task, reviewer] = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(task?.Update?.ConditionExpression).toBe('#status IN (:pending, :accepted)');
    expect(task?.Update?.UpdateExpression).toContain('REMOVE GSI2PK, GSI2SK, #token');
    expect(task?.Update?.ExpressionAttributeValues).toMatchObject({
      ':status': 'DECLINED',
      ':reason': 'Cuti',
    });
    expect(reviewer?.Update?.ConditionExpression).toBe('#load > :zero');
  });

  it('does nothing the second time', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['ConditionalCheckFailed', 'None']));
    expect(await releaseReviewer(doc, TABLE, 'p-1', 'r-1', 'TIMED_OUT')).toEqual({ released: false });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('still closes the task when the load is already zero, without going negative', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['None', 'ConditionalCheckFailed']))
      .resolves({});
    expect(await releaseReviewer(doc, TABLE, 'p-1', 'r-1', 'REASSIGNED')).toEqual({ released: true });
    const [, retry] = ddb.commandCalls(TransactWriteCommand);
    // The second transaction closes the task alone, without the reviewer's load.
    expect(retry?.args[0].input.TransactItems?.map((item) => item.Update?.Key)).toEqual([
      { PK: 'PROPOSAL#p-1', SK: 'REVIEW#r-1' },
    ]);
  });
});
