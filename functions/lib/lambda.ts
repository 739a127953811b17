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

/** Each invocation's log lines carry its Lambda context and none of the previous one's keys. */
const logContext = (): MiddlewareObj<unknown, unknown, Error, Context> => ({
  before: async (request) => logger.startInvocation(request.context),
});

/**
 * AWS throttling and service faults leave a handler as TransientError, wherever they were thrown, so the state
 * machine retries them with jitter instead of failing the proposal.
 */
const transientErrors = (): MiddlewareObj => ({
  onError: async (request) => {
    if (request.error) request.error = asTransient(request.error) as Error;
  },
});

/** The invocation's X-Ray subsegment (tracer.ts): timings and annotations, never the event, response or error text. */
const traced = (): MiddlewareObj => ({
  before: async () => tracer.startInvocation(),
  after: async () => tracer.endInvocation(false),
  onError: async () => tracer.endInvocation(true),
});

/** Wraps a handler with the project's one instrumentation style (middy, log.ts's logger and metrics, tracer.ts). */
export function lambda<E, R>(handler: (event: E, context: Context) => Promise<R>) {
  return (
    middy(handler)
      .use(transientErrors())
      // No response in the trace: the review page's carries signed links (see tracer.ts, which also keeps errors out).
      .use(traced())
      .use(logContext())
      .use(publishMetrics())
  );
}

/** Tags the following log lines with the proposal they concern. */
export function withProposal(proposalId: string): void {
  logger.appendKeys({ proposalId });
  logger.setCorrelationId(proposalId);
  tracer.putAnnotation('proposalId', proposalId);
}
