/**
 * The intake queue's semantics, in process: at-least-once delivery in batches to the function of the template's
 * event source mapping, partial batch failures, redelivery after a (shortened) visibility timeout, and a
 * dead-letter queue after maxReceiveCount receives, as the template's RedrivePolicy says. A batch the function
 * refused for want of concurrency (a throttle) stays in the queue: it is offered again later and the refusal does
 * not count as a receive, so a throttle never moves a message towards the dead-letter queue.
 */
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { isThrottle } from './lambdas';

export interface QueueMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: number;
}

export interface LocalQueueOptions {
  name: string;
  arn: string;
  batchSize: number;
  /**
   * Batches in flight at once: the event source mapping's ScalingConfig.MaximumConcurrency when the template sets
   * it (default DEFAULT_POLLERS).
   */
  pollers?: number;
  maxReceiveCount: number;
  /** Redelivery delay after a failure, in ms (the real visibility timeout is minutes; locally it is short). */
  retryDelayMs: number;
  deliver: (event: SQSEvent) => Promise<unknown>;
  onLog?: (line: string) => void;
}

/** Batches in flight when the template sets no MaximumConcurrency: a few concurrent Lambda pollers. */
export const DEFAULT_POLLERS = 4;

export class LocalQueue {
  private readonly ready: QueueMessage[] = [];
  readonly deadLetters: QueueMessage[] = [];
  private inFlight = 0;
  private batchesInFlight = 0;
  private delayed = 0;
  private draining = false;
  private stopped = false;
  private readonly idleWaiters: Array<() => void> = [];
  delivered = 0;
  /** Batches the function refused for want of concurrency (their messages stayed in the queue). */
  throttled = 0;

  constructor(private readonly options: LocalQueueOptions) {}

  get arn(): string {
    return this.options.arn;
  }

  send(body: string): string {
    const messageId = randomUUID();
    this.ready.push({ messageId, body, receiveCount: 0, sentAt: Date.now() });
    this.pump();
    return messageId;
  }

  /** Moves dead letters back to the queue (what `proposals redrive` does against SQS). */
  redrive(): number {
    const moved = this.deadLetters.splice(0);
    for (const message of moved) this.ready.push({ ...message, receiveCount: 0 });
    this.pump();
    return moved.length;
  }

  /** Messages waiting, in flight or waiting for redelivery. */
  get depth(): number {
    return this.ready.length + this.inFlight + this.delayed;
  }

  whenIdle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    if (this.draining || this.stopped) return;
    this.draining = true;
    queueMicrotask(() => {
      this.draining = false;
      const pollers = Math.max(1, this.options.pollers ?? DEFAULT_POLLERS);
      while (!this.stopped && this.ready.length > 0 && this.batchesInFlight < pollers) {
        const batch = this.ready.splice(0, this.options.batchSize);
        this.inFlight += batch.length;
        this.batchesInFlight += 1;
        void this.process(batch);
      }
    });
  }

  private async process(batch: QueueMessage[]): Promise<void> {
    for (const message of batch) message.receiveCount += 1;
    const event: SQSEvent = {
      Records: batch.map((message) => ({
        messageId: message.messageId,
        receiptHandle: message.messageId,
        body: message.body,
        attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          SentTimestamp: String(message.sentAt),
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: this.options.arn,
        awsRegion: 'us-east-1',
      })),
    };
    let failed: Set<string>;
    try {
      const response = (await this.options.deliver(event)) as SQSBatchResponse | null;
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      if (isThrottle(error)) {
        this.batchesInFlight -= 1;
        this.putBack(batch);
        return;
      }
      this.options.onLog?.(`[${this.options.name}] batch failed: ${(error as Error).message}`);
      failed = new Set(batch.map((m) => m.messageId));
    }
    this.inFlight -= batch.length;
    this.batchesInFlight -= 1;
    this.delivered += batch.length - failed.size;
    for (const message of batch) {
      if (!failed.has(message.messageId)) continue;
      if (message.receiveCount >= this.options.maxReceiveCount) {
        this.deadLetters.push(message);
        this.options.onLog?.(
          `[${this.options.name}] message ${message.messageId} moved to the dead-letter queue`,
        );
        continue;
      }
      this.delayed += 1;
      setTimeout(() => {
        this.delayed -= 1;
        this.ready.push(message);
        this.pump();
      }, this.options.retryDelayMs * message.receiveCount).unref();
    }
    this.pump();
    if (this.depth === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** The function never got the batch: its messages wait in the queue again, their receive not counted. */
  private putBack(batch: QueueMessage[]): void {
    this.throttled += 1;
    this.inFlight -= batch.length;
    this.delayed += batch.length;
    for (const message of batch) message.receiveCount -= 1;
    setTimeout(() => {
      this.delayed -= batch.length;
      this.ready.unshift(...batch);
      this.pump();
    }, this.options.retryDelayMs).unref();
  }

  stop(): void {
    this.stopped = true;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
