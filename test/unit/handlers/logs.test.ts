/**
 * What a handler writes to its log stream (functions/lib/log.ts through `lambda()`): JSON log lines with the
 * invocation's keys, and CloudWatch EMF documents for its metrics, in the shapes the alarms and log queries read.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { restoreHandlerEnv, stubHandlerEnv } from './support';

let lambda: typeof import('../../../functions/lib/lambda').lambda;
let logger: typeof import('../../../functions/lib/lambda').logger;
let metrics: typeof import('../../../functions/lib/lambda').metrics;
let withProposal: typeof import('../../../functions/lib/lambda').withProposal;

const ROOT = '1-6763a1b2-0123456789abcdef01234567';
let lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  stubHandlerEnv();
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'proposals-review-api');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'ProposalReview');
  vi.stubEnv('_X_AMZN_TRACE_ID', `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=0`);
  ({ lambda, logger, metrics, withProposal } = await import('../../../functions/lib/lambda'));
});
afterAll(restoreHandlerEnv);

beforeEach(() => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  lines = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    return true;
  });
});

const context = (requestId: string) =>
  ({
    functionName: 'Proposals-ReviewFunction',
    invokedFunctionArn: 'arn:aws:lambda:ap-southeast-3:123456789012:function:Proposals-ReviewFunction',
    memoryLimitInMB: '512',
    awsRequestId: requestId,
  }) as never;

const logLines = () => lines.filter((line) => !('_aws' in line));
const emf = () => lines.filter((line) => '_aws' in line);

describe('log lines of a handler', () => {
  it('carry the invocation, the trace and the proposal, and not the previous invocation’s proposal', async () => {
    // A key of the extra fields never replaces the line's own level or message.
    const handler = lambda(async (event: { proposalId?: string }) => {
      if (event.proposalId) withProposal(event.proposalId);
      logger.info('Assignment', { assigned: 3, level: 'DEBUG', message: 'forged' });
    });

    await handler({ proposalId: 'p-0123456789abcdef0123' }, context('req-1'));
    await handler({}, context('req-2'));

    const [first, second] = logLines();
    expect(first).toMatchObject({
      level: 'INFO',
      message: 'Assignment',
      service: 'proposals-review-api',
      cold_start: true,
      function_name: 'Proposals-ReviewFunction',
      function_memory_size: '512',
      function_request_id: 'req-1',
      xray_trace_id: ROOT,
      proposalId: 'p-0123456789abcdef0123',
      correlation_id: 'p-0123456789abcdef0123',
      assigned: 3,
    });
    expect(Date.parse(String(first?.timestamp))).not.toBeNaN();
    expect(second).toMatchObject({ cold_start: false, function_request_id: 'req-2' });
    expect(second).not.toHaveProperty('proposalId');
    expect(second).not.toHaveProperty('correlation_id');
  });

  it('write an error with its name, message, stack and own fields, and survive a cycle', async () => {
    const error = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400, attempts: 3 },
    });
    const looped: Record<string, unknown> = { note: 'x' };
    looped.self = looped;
    const handler = lambda(async () => {
      logger.error('The review request failed', { error, looped, count: 10n });
      logger.warn('History note failed', error);
    });

    await handler({}, context('req-3'));

    const [failed, warned] = logLines();
    expect(failed?.error).toMatchObject({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400, attempts: 3 },
    });
    expect(String((failed?.error as { stack?: string } | undefined)?.stack)).toContain('logs.test.ts');
    expect(failed?.looped).toEqual({ note: 'x', self: '[Circular]' });
    expect(failed?.count).toBe('10');
    expect(warned).toMatchObject({ level: 'WARN', error: { name: 'ThrottlingException' } });
  });

  it('keep below the configured level quiet, and escape control characters of a hostile value', async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'warn');
    const raw: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      raw.push(String(chunk));
      return true;
    });
    const handler = lambda(async () => {
      logger.info('Pipeline started');
      logger.warn('Upload refused', { key: 'incoming/a/\u001b[2Jx.md' });
    });

    await handler({}, context('req-4'));

    expect(raw).toHaveLength(1);
    expect(raw[0]).not.toContain('\u001b');
    expect(JSON.parse(raw[0] ?? '')).toMatchObject({
      message: 'Upload refused',
      key: 'incoming/a/\u001b[2Jx.md',
    });
  });
});

describe('metrics of a handler', () => {
  it('are one EMF document per invocation in the namespace, by service, also when the handler fails', async () => {
    const handler = lambda(async (event: { fail?: boolean }) => {
      metrics.addMetric('ReviewTasksDeclined', 'Count', 1);
      metrics.addMetric('ReviewTasksDeclined', 'Count', 1);
      metrics.addMetric('ValidationDuration', 'Milliseconds', 12.5);
      if (event.fail) throw new Error('boom');
    });

    await handler({}, context('req-5'));
    await expect(handler({ fail: true }, context('req-6'))).rejects.toThrow('boom');

    const documents = emf();
    expect(documents).toHaveLength(2);
    expect(documents[0]).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: 'ProposalReview',
            Dimensions: [['service']],
            Metrics: [
              { Name: 'ReviewTasksDeclined', Unit: 'Count' },
              { Name: 'ValidationDuration', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      service: 'proposals-review-api',
      ReviewTasksDeclined: [1, 1],
      ValidationDuration: 12.5,
    });
  });

  it('flush every 100 values (CloudWatch’s limit), write nothing when none were recorded or when disabled', async () => {
    const sweep = lambda(async (event: { reminders: number }) => {
      for (let i = 0; i < event.reminders; i += 1) metrics.addMetric('RemindersSent', 'Count', 1);
    });

    await sweep({ reminders: 250 }, context('req-7'));
    expect(emf().map((document) => (document.RemindersSent as number[]).length)).toEqual([100, 100, 50]);

    lines = [];
    await sweep({ reminders: 0 }, context('req-8'));
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    await sweep({ reminders: 3 }, context('req-9'));
    expect(lines).toEqual([]);
  });
});
