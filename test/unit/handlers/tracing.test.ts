/**
 * What reaches X-Ray from a handler: its timings and annotations, never its response or an error's text. The review
 * page answers with signed links and presigned URLs; an error may quote one.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { restoreHandlerEnv, stubHandlerEnv } from './support';

const SECRET = 'sig=9f1c0ffee';
const LINK = `https://review.kipp.example.go.id/review?id=r-1&exp=1767225600&${SECRET}`;

let lambda: typeof import('../../../functions/lib/lambda').lambda;
let tracer: typeof import('../../../functions/lib/tracer').tracer;

beforeAll(async () => {
  stubHandlerEnv();
  // The environment asks for everything to be captured: the tracer must not listen.
  vi.stubEnv('POWERTOOLS_TRACER_CAPTURE_RESPONSE', 'true');
  vi.stubEnv('POWERTOOLS_TRACER_CAPTURE_ERROR', 'true');
  vi.stubEnv('_HANDLER', 'index.handler');
  ({ lambda } = await import('../../../functions/lib/lambda'));
  ({ tracer } = await import('../../../functions/lib/tracer'));
});
afterAll(restoreHandlerEnv);
afterEach(() => {
  vi.restoreAllMocks();
});

/** A traced invocation with a fake X-Ray segment; returns everything handed to X-Ray, serialized. */
function traceRecorder() {
  const recorded: unknown[] = [];
  const segment = {
    addNewSubsegment: (name: string) => {
      recorded.push(['subsegment', name]);
      return segment;
    },
    addError: (error: unknown) => recorded.push(['error', String(error), (error as Error).stack]),
    addErrorFlag: () => recorded.push(['error flag']),
    addMetadata: (...args: unknown[]) => recorded.push(['metadata', ...args]),
    addAnnotation: (...args: unknown[]) => recorded.push(['annotation', ...args]),
    close: () => recorded.push(['close']),
  };
  vi.spyOn(tracer, 'isTracingEnabled').mockReturnValue(true);
  vi.spyOn(tracer, 'getSegment').mockReturnValue(segment as never);
  vi.spyOn(tracer, 'setSegment').mockImplementation(() => undefined);
  vi.spyOn(tracer, 'putMetadata').mockImplementation((...args) => recorded.push(['metadata', ...args]));
  vi.spyOn(tracer, 'putAnnotation').mockImplementation((...args) => recorded.push(['annotation', ...args]));
  return { text: () => JSON.stringify(recorded), recorded };
}

const context = { functionName: 'review', awsRequestId: 'req-1' } as never;

describe('traces of a handler', () => {
  it('record the invocation but not a response that carries a signed link', async () => {
    const trace = traceRecorder();
    const handler = lambda(async () => ({
      statusCode: 303,
      headers: { location: LINK },
      body: `<a href="${LINK}">`,
    }));

    const response = await handler({}, context);

    expect(response.headers.location).toBe(LINK);
    expect(trace.recorded).toContainEqual(['subsegment', '## index.handler']);
    expect(trace.recorded).toContainEqual(['close']);
    expect(trace.text()).not.toContain(SECRET);
    expect(trace.recorded.some(([kind]) => kind === 'metadata')).toBe(false);
  });

  it('flag a failed invocation without its message or stack, which may quote a link', async () => {
    const trace = traceRecorder();
    const handler = lambda(async () => {
      throw new Error(`Could not render ${LINK}`);
    });

    await expect(handler({}, context)).rejects.toThrow(SECRET);

    expect(trace.recorded).toContainEqual(['error flag']);
    expect(trace.recorded.some(([kind]) => kind === 'error')).toBe(false);
    expect(trace.text()).not.toContain(SECRET);
  });
});
