import { Tracer } from '@aws-lambda-powertools/tracer';
import type { TracerOptions } from '@aws-lambda-powertools/tracer/types';

/**
 * What the tracer records beyond timings: never a handler's response nor an error's message and stack. The review
 * page's response carries the signed query string (form actions, the 303 Location) and a presigned S3 URL, the
 * review-task handler's input a task token, and an error can quote either: anyone who can read X-Ray could act as
 * a reviewer. Set here, not only by environment (POWERTOOLS_TRACER_CAPTURE_RESPONSE/_ERROR), so a function whose
 * environment lacks them is still safe; everything else falls through to the environment as usual.
 */
const noPayloads: NonNullable<TracerOptions['customConfigService']> = {
  getTracingCaptureResponse: () => 'false',
  getTracingCaptureError: () => 'false',
  get: () => '',
  getServiceName: () => '',
  getXrayTraceId: () => undefined,
  getXrayTraceSampled: () => false,
  isDevMode: () => false,
  isValueTrue: (value) => value.toLowerCase() === 'true',
  getAwsExecutionEnv: () => '',
  getCaptureHTTPsRequests: () => '',
  getSamLocal: () => '',
  getTracingEnabled: () => '',
};

/** X-Ray tracing (active only inside Lambda); every AWS SDK client is captured through it. */
export const tracer = new Tracer({ customConfigService: noPayloads });
