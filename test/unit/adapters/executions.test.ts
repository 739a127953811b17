import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { deliverDecision, startExecution } from '../../../functions/lib/adapters/executions';
import type { ReviewTask } from '../../../functions/lib/model';

const sfn = mockClient(SFNClient);
const ddb = mockClient(DynamoDBDocumentClient);
const ARN = 'arn:aws:states:ap-southeast-3:123456789012:stateMachine:proposal-review';

beforeAll(() => {
  vi.stubEnv('TABLE_NAME', 'proposals-test');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
});
afterAll(() => vi.unstubAllEnvs());
beforeEach(() => {
  sfn.reset();
  ddb.reset();
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
});

const task = (overrides: Partial<ReviewTask> & { token?: string }): ReviewTask & { token?: string } => ({
  proposalId: 'p-1',
  reviewerId: 'r-health-free',
  reviewId: 'rvrhealthfreexxxxxxxxxxx',
  status: 'PENDING',
  attempt: 1,
  assignedAt: '2025-07-01T00:00:00.000Z',
  dueAt: '2025-07-15T00:00:00.000Z',
  token: 'token-wahyu',
  ...overrides,
});
/** The tokens spent on the table (only if still the one given). */
const spent = () =>
  ddb.commandCalls(UpdateCommand).map((call) => {
    const input = call.args[0].input;
    expect(input.ConditionExpression).toBe('#token = :token');
    return input.ExpressionAttributeValues?.[':token'];
  });

describe('telling the execution of a decision', () => {
  it('answers a submitted review with its score, then spends the token', async () => {
    expect(await deliverDecision(task({ status: 'SUBMITTED', score: 73.33 }))).toBe('delivered');

    const [success] = sfn.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input);
    expect(success?.taskToken).toBe('token-wahyu');
    expect(JSON.parse(success?.output ?? '')).toEqual({
      reviewerId: 'r-health-free',
      status: 'SUBMITTED',
      score: 73.33,
    });
    expect(spent()).toEqual(['token-wahyu']);
  });

  it('fails the task with ReviewDeclined and the reason, or ReviewTimedOut and the due date', async () => {
    await deliverDecision(task({ status: 'DECLINED', declineReason: 'x'.repeat(300) }));
    await deliverDecision(task({ status: 'TIMED_OUT' }));

    expect(sfn.commandCalls(SendTaskFailureCommand).map((call) => call.args[0].input)).toEqual([
      { taskToken: 'token-wahyu', error: 'ReviewDeclined', cause: 'x'.repeat(256) },
      { taskToken: 'token-wahyu', error: 'ReviewTimedOut', cause: 'Due 2025-07-15T00:00:00.000Z' },
    ]);
  });

  it('spends the token of an execution that no longer waits for it', async () => {
    sfn.on(SendTaskFailureCommand).rejects(new TaskDoesNotExist({ message: 'gone', $metadata: {} }));

    expect(await deliverDecision(task({ status: 'TIMED_OUT' }))).toBe('stale');
    expect(spent()).toEqual(['token-wahyu']);
  });

  it('keeps the token when Step Functions cannot be reached, so the decision is delivered later', async () => {
    sfn.on(SendTaskFailureCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));

    await expect(deliverDecision(task({ status: 'DECLINED' }))).rejects.toThrow('down');
    expect(spent()).toEqual([]);
  });

  it('tells nothing of an open task, or of a decision without a token', async () => {
    expect(await deliverDecision(task({ status: 'ACCEPTED' }))).toBe('nothing');
    expect(await deliverDecision(task({ status: 'SUBMITTED', token: undefined }))).toBe('nothing');
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe('starting an execution', () => {
  it('starts the named execution with the JSON input and returns its ARN', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:execution:p-1', startDate: new Date() });

    expect(await startExecution({ stateMachineArn: ARN, name: 'p-1', input: { proposalId: 'p-1' } })).toBe(
      'arn:execution:p-1',
    );
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: ARN,
      name: 'p-1',
      input: '{"proposalId":"p-1"}',
    });
  });

  it('treats an execution of that name that exists already as started', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    expect(await startExecution({ stateMachineArn: ARN, name: 'p-1', input: {} })).toBe(
      'arn:aws:states:ap-southeast-3:123456789012:execution:proposal-review:p-1',
    );
  });
});
