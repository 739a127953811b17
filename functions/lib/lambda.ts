import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { asTransient } from './errors';
import { Logger, Metrics } from './log';
import { tracer } from './tracer';

/** Structured JSON logs; the proposal id is the correlation id (see `withProposal`). */
export const logger = new Logger();
/** CloudWatch EMF metrics, namespace from POWERTOOLS_METRICS_NAMESPACE. */
export const metrics = new Metrics();

/** Flushes the metrics an invocation recorded, also when it failed. */
const publishMetrics = (): MiddlewareObj => {
  const flush = async () => metrics.publishStoredMetrics();
  return { after: flush, onError: flush };
};

/**
 * AWS throttling and service faults leave a handler as TransientError, wherever they were thrown, so the state
 * machine retries them with jitter instead of failing the proposal.
 */
const transientErrors = (): MiddlewareObj => ({
  onError: async (request) => {
    if (request.error) request.error = asTransient(request.error) as Error;
  },
});

/** True until this sandbox's first invocation begins (a provisioned-concurrency sandbox is never cold). */
let coldStart = process.env.AWS_LAMBDA_INITIALIZATION_TYPE !== 'provisioned-concurrency';

/**
 * The invocation's X-Ray subsegment (tracer.ts: timings and annotations, never the event, response or error text)
 * and its log context (log.ts: its Lambda context, none of the previous invocation's keys), both told whether it
 * is the sandbox's cold start.
 */
const instrumented = (): MiddlewareObj<unknown, unknown, Error, Context> => ({
  before: async (request) => {
    const cold = coldStart;
    coldStart = false;
    tracer.startInvocation(cold);
    logger.startInvocation(request.context, cold);
  },
  after: async () => tracer.endInvocation(false),
  onError: async () => tracer.endInvocation(true),
});

/** Wraps a handler with the project's one instrumentation style (middy, log.ts's logger and metrics, tracer.ts). */
export function lambda<E, R>(handler: (event: E, context: Context) => Promise<R>) {
  return (
    middy(handler)
      .use(transientErrors())
      // No response in the trace: the review page's carries signed links (see tracer.ts, which also keeps errors out).
      .use(instrumented())
      .use(publishMetrics())
  );
}

/** Tags the following log lines with the proposal they concern. */
export function withProposal(proposalId: string): void {
  logger.appendKeys({ proposalId });
  logger.setCorrelationId(proposalId);
  tracer.putAnnotation('proposalId', proposalId);
}
