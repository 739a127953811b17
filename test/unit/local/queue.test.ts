/**
 * The local intake queue (local/queue.ts) in front of a function at its concurrency limit: on AWS a throttled SQS
 * poller leaves the messages in the queue, so a throttle must never cost a receive or move a message to the
 * dead-letter queue.
 */
import { fileURLToPath } from 'node:url';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { LambdaError, LambdaHost, THROTTLE_ERROR } from '../../../local/lambdas';
import { LocalQueue, type LocalQueueOptions } from '../../../local/queue';

let host: LambdaHost | undefined;
let queue: LocalQueue | undefined;
afterEach(async () => {
  queue?.stop();
  queue = undefined;
  await host?.stop();
  host = undefined;
});

function localQueue(deliver: LocalQueueOptions['deliver'], maxReceiveCount = 1): LocalQueue {
  queue = new LocalQueue({
    name: 'intake',
    arn: 'arn:aws:sqs:us-east-1:000000000000:intake',
    batchSize: 1,
    maxReceiveCount,
    retryDelayMs: 20,
    deliver,
  });
  return queue;
}

describe('the intake queue in front of a function at its limit', () => {
  it('keeps a batch the function refused with a throttle in the queue, without counting the receive', async () => {
    const receives: string[] = [];
    let refusals = 0;
    const q = localQueue(async (event: SQSEvent) => {
      const record = event.Records[0];
      receives.push(record?.attributes.ApproximateReceiveCount ?? '');
      if (refusals < 3) {
        refusals += 1;
        throw new LambdaError(THROTTLE_ERROR, 'Rate Exceeded.', 'intake');
      }
      return { batchItemFailures: [] };
    });
    q.send('{"n":1}');
    await q.whenIdle();
    // With maxReceiveCount 1, one counted failure would have dead-lettered it: three throttles did not.
    expect(receives).toEqual(['1', '1', '1', '1']);
    expect(q.deadLetters).toEqual([]);
    expect(q.delivered).toBe(1);
    expect(q.throttled).toBe(3);
  });

  it('delivers every message through a Lambda host whose only sandbox is busy (the poller waits)', async () => {
    const file = fileURLToPath(new URL('../../fixtures/lambda/sandbox.mjs', import.meta.url));
    host = new LambdaHost(
      [
        {
          name: 'local-Intake',
          logicalId: 'Intake',
          file,
          handlerName: 'handler',
          environment: {},
          timeoutSeconds: 10,
          memorySize: 128,
        },
      ],
      {},
      { maxConcurrency: 1, throttleLinePerSandbox: 0, maxLineWaitMs: 0 },
    );
    const lambdas = host;
    // Step Functions' invocation holds the only sandbox: a throttling caller would be refused now.
    const busy = lambdas.invoke('local-Intake', { sleepMs: 300 }, { atLimit: 'throttle' });
    await expect(lambdas.invoke('local-Intake', {}, { atLimit: 'throttle' })).rejects.toMatchObject({
      name: THROTTLE_ERROR,
    });
    const q = localQueue((event) => lambdas.invoke('local-Intake', event, { atLimit: 'wait' }));
    for (let i = 0; i < 3; i++) q.send(JSON.stringify({ n: i }));
    await Promise.all([busy, q.whenIdle()]);
    expect(q.delivered).toBe(3);
    expect(q.deadLetters).toEqual([]);
    expect(lambdas.stats.get('local-Intake')).toMatchObject({ invocations: 4, errors: 0, throttles: 1 });
  });
});
