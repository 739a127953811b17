import { Tracer } from '@aws-lambda-powertools/tracer';

/** X-Ray tracing (active only inside Lambda); every AWS SDK client is captured through it. */
export const tracer = new Tracer();
