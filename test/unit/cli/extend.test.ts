/**
 * `proposals extend` and `proposals assign` follow the deployed profile: its maximum extension (the Step Functions
 * safety net of each task is sized from it) and its assignment rules, not a hard-coded KIPP.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { extendCommand } from '../../../cli/commands/proposals';
import { deployedProfile, resetDeployedProfile } from '../../../cli/profile';
import { extendDueDate, latestDueDate } from '../../../functions/lib/review';

const DAY = 86_400_000;
const KIPP_PATH = resolve(import.meta.dirname, '../../../profiles/kipp.json');
const ddb = mockClient(DynamoDBDocumentClient);
const cfn = mockClient(CloudFormationClient);

/** KIPP's rules with a 10-day window, at most 10 days of extension, dates in WITA. */
function profileJson(maxExtensionDays = 10) {
  const kipp = JSON.parse(readFileSync(KIPP_PATH, 'utf8'));
  return {
    ...kipp,
    id: 'kipp-short',
    timeZone: 'Asia/Makassar',
    review: { ...kipp.review, windowDays: 10, maxExtensionDays },
  };
}

const ASSIGNED_AT = '2025-06-30T20:00:00.000Z';
const FIRST_DUE = new Date(Date.parse(ASSIGNED_AT) + 10 * DAY).toISOString();

/** One open review task (and its proposal) in the mocked table. */
function seedTask(dueAt = FIRST_DUE) {
  ddb.on(QueryCommand).resolves({ Items: [{ proposalId: 'p1', reviewerId: 'r1', reviewId: 'rv-1' }] });
  ddb.on(GetCommand).callsFake(async (input: { Key: { SK: string } }) => ({
    Item:
      input.Key.SK === 'META'
        ? { id: 'p1', status: 'IN_REVIEW', reason: 'In review', seq: 4, receivedAt: ASSIGNED_AT }
        : {
            proposalId: 'p1',
            reviewerId: 'r1',
            reviewId: 'rv-1',
            status: 'PENDING',
            attempt: 1,
            assignedAt: ASSIGNED_AT,
            dueAt,
          },
  }));
  ddb.on(UpdateCommand).resolves({});
  ddb.on(TransactWriteCommand).resolves({});
}

const updates = () => ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
const notes = () =>
  ddb
    .commandCalls(TransactWriteCommand)
    .flatMap((call) => call.args[0].input.TransactItems ?? [])
    .map((item) => String(item.Put?.Item?.note ?? ''))
    .filter(Boolean);

let dir: string;
const saved = { ...process.env };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'extend-'));
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    PROPOSALS_TABLE: 'proposals-test',
    PROPOSALS_BUCKET: 'proposals-bucket',
    PROPOSALS_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:test',
  });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

beforeEach(() => {
  ddb.reset();
  cfn.reset();
  resetDeployedProfile();
  const path = join(dir, 'kipp-short.json');
  writeFileSync(path, JSON.stringify(profileJson()));
  process.env.PROPOSALS_PROFILE = path;
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the extension rule', () => {
  const review = { windowDays: 10, maxExtensionDays: 10 };
  const task = { assignedAt: ASSIGNED_AT, dueAt: FIRST_DUE };

  it('moves the due date by whole days up to the maximum', () => {
    const extension = extendDueDate(task, 10, review);
    expect(extension).toMatchObject({ ok: true });
    expect(extension.ok && extension.dueAt.toISOString()).toBe('2025-07-20T20:00:00.000Z');
    expect(latestDueDate(new Date(ASSIGNED_AT), review).toISOString()).toBe('2025-07-20T20:00:00.000Z');
  });

  it('refuses more than the maximum, fractions and nothing', () => {
    for (const days of [11, 0, -1, 2.5, Number.NaN]) {
      const extension = extendDueDate(task, days, review);
      expect(extension.ok, String(days)).toBe(false);
      expect(!extension.ok && extension.reason).toBe(
        "an extension is a whole number of days from 1 to 10 (the profile's review.maxExtensionDays)",
      );
    }
  });

  it('counts earlier extensions: the maximum is for all of them together', () => {
    const extended = { ...task, dueAt: new Date(Date.parse(FIRST_DUE) + 6 * DAY).toISOString() };
    expect(extendDueDate(extended, 4, review).ok).toBe(true);
    const refused = extendDueDate(extended, 5, review);
    expect(!refused.ok && refused.reason).toMatch(/at most 10 day\(s\) after its first due date/);
    expect(!refused.ok && refused.reason).toMatch(/can be extended by 4 more day\(s\)$/);
    const atLimit = { ...task, dueAt: '2025-07-20T20:00:00.000Z' };
    const none = extendDueDate(atLimit, 1, review);
    expect(!none.ok && none.reason).toMatch(/cannot be extended further$/);
  });
});

describe('proposals extend', () => {
  it("accepts up to the deployed profile's maximum and notes the new day in its time zone", async () => {
    seedTask();
    expect(await extendCommand('rv-1', { days: '10' })).toBe(0);
    expect(updates()).toHaveLength(1);
    expect(updates()[0]?.ExpressionAttributeValues?.[':due']).toBe('2025-07-20T20:00:00.000Z');
    // 20:00 UTC is 04:00 the next day in WITA (UTC+8).
    expect(notes()).toEqual(['Deadline of r1 extended by 10 day(s) to 2025-07-21']);
  });

  it('refuses more days than the profile allows, writing nothing', async () => {
    seedTask();
    await expect(extendCommand('rv-1', { days: '11' })).rejects.toThrow(
      "--days 11: an extension is a whole number of days from 1 to 10 (the profile's review.maxExtensionDays)",
    );
    await expect(extendCommand('rv-1', { days: 'soon' })).rejects.toThrow(/--days soon: an extension is/);
    expect(updates()).toHaveLength(0);
    expect(notes()).toHaveLength(0);
  });

  it('refuses an extension that would take a task past the limit with earlier ones', async () => {
    seedTask(new Date(Date.parse(FIRST_DUE) + 8 * DAY).toISOString());
    await expect(extendCommand('rv-1', { days: '3' })).rejects.toThrow(/can be extended by 2 more day\(s\)/);
    expect(updates()).toHaveLength(0);
  });

  it('allows the 60 days of KIPP when that is the deployed profile', async () => {
    process.env.PROPOSALS_PROFILE = 'kipp';
    seedTask(new Date(Date.parse(ASSIGNED_AT) + 14 * DAY).toISOString());
    await expect(extendCommand('rv-1', { days: '61' })).rejects.toThrow(/from 1 to 60/);
    expect(await extendCommand('rv-1', { days: '60' })).toBe(0);
    expect(updates()[0]?.ExpressionAttributeValues?.[':due']).toBe(
      new Date(Date.parse(ASSIGNED_AT) + 74 * DAY).toISOString(),
    );
  });
});

describe('the deployed profile', () => {
  beforeEach(() => {
    delete process.env.PROPOSALS_PROFILE;
  });

  it('is read from the Logic stack of the stage', async () => {
    cfn.on(GetTemplateCommand).resolves({
      TemplateBody: JSON.stringify({ Metadata: { ProposalsProfile: profileJson(3) }, Resources: {} }),
    });
    const profile = await deployedProfile('prod');
    expect(profile.id).toBe('kipp-short');
    expect(profile.review.maxExtensionDays).toBe(3);
    expect(cfn.commandCalls(GetTemplateCommand)[0]?.args[0].input.StackName).toBe('Proposals-prod-Logic');

    resetDeployedProfile();
    process.env.PROPOSALS_STAGE = 'prod';
    seedTask();
    await expect(extendCommand('rv-1', { days: '4' })).rejects.toThrow(/from 1 to 3 /);
    delete process.env.PROPOSALS_STAGE;
  });

  it('is required: a stack without one, or none reachable, is a clear error', async () => {
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify({ Resources: {} }) });
    await expect(deployedProfile('dev')).rejects.toThrow(
      /the profile deployed with Proposals-dev-Logic carries no competition profile/,
    );
    resetDeployedProfile();
    cfn.on(GetTemplateCommand).rejects(new Error('Stack with id Proposals-dev-Logic does not exist'));
    await expect(deployedProfile('dev')).rejects.toThrow(
      /Cannot read the template of stack Proposals-dev-Logic[\s\S]*PROPOSALS_PROFILE/,
    );
  });

  it('names the problem of a bad PROPOSALS_PROFILE', async () => {
    process.env.PROPOSALS_PROFILE = join(dir, 'missing.json');
    await expect(deployedProfile()).rejects.toThrow(/PROPOSALS_PROFILE: Profile .*missing\.json is invalid/);
  });
});
