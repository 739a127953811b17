/**
 * What reaches X-Ray from a handler: its timings and annotations, never its response or an error's text. The review
 * page answers with signed links and presigned URLs; an error may quote one. Documents are caught at the tracer's
 * transport (what would go to the X-Ray daemon over UDP).
 */
import { Readable } from 'node:stream';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { restoreHandlerEnv, stubHandlerEnv } from './support';

const SECRET = 'sig=9f1c0ffee';
const LINK = `https://review.kipp.example.go.id/review?id=r-1&exp=1767225600&${SECRET}`;
const ROOT = '1-6763a1b2-0123456789abcdef01234567';
const PARENT = '53995c3f42cd8ad8';

let lambda: typeof import('../../../functions/lib/lambda').lambda;
let withProposal: typeof import('../../../functions/lib/lambda').withProposal;
let tracer: typeof import('../../../functions/lib/tracer').tracer;
let Tracer: typeof import('../../../functions/lib/tracer').Tracer;

beforeAll(async () => {
  stubHandlerEnv();
  // Inside a sampled Lambda invocation: tracing applies.
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'true');
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'review');
  vi.stubEnv('AWS_XRAY_DAEMON_ADDRESS', '127.0.0.1:2000');
  vi.stubEnv('_HANDLER', 'index.handler');
  vi.stubEnv('_X_AMZN_TRACE_ID', `Root=${ROOT};Parent=${PARENT};Sampled=1;Lineage=a87bd80c:0`);
  ({ lambda, withProposal } = await import('../../../functions/lib/lambda'));
  ({ tracer, Tracer } = await import('../../../functions/lib/tracer'));
});
afterAll(restoreHandlerEnv);

let sent: string[] = [];
beforeEach(() => {
  sent = [];
  tracer.transport = async (datagram) => {
    sent.push(datagram);
  };
});

/** The documents sent, parsed (each datagram is the protocol header, a newline, then the document). */
const documents = () =>
  sent.map((datagram) => {
    const [header, body] = datagram.split('\n');
    expect(JSON.parse(header as string)).toEqual({ format: 'json', version: 1 });
    return JSON.parse(body as string) as Record<string, unknown>;
  });

const context = { functionName: 'review', awsRequestId: 'req-1' } as never;

describe('traces of a handler', () => {
  it('record the invocation and its annotations but not a response that carries a signed link', async () => {
    const handler = lambda(async () => {
      withProposal('p-0123456789abcdef0123');
      return { statusCode: 303, headers: { location: LINK }, body: `<a href="${LINK}">` };
    });

    const response = await handler({ link: LINK }, context);

    expect(response.headers.location).toBe(LINK);
    const [invocation] = documents();
    expect(invocation).toMatchObject({
      name: '## index.handler',
      type: 'subsegment',
      trace_id: ROOT,
      parent_id: PARENT,
      annotations: { proposalId: 'p-0123456789abcdef0123', Service: 'proposal-review-test' },
    });
    expect(invocation?.id).toMatch(/^[0-9a-f]{16}$/);
    expect(invocation?.end_time).toBeGreaterThanOrEqual(invocation?.start_time as number);
    expect(invocation?.fault).toBeUndefined();
    expect(sent.join('')).not.toContain(SECRET);
    expect(sent.join('')).not.toContain('metadata');
  });

  it('flag a failed invocation without its message or stack, which may quote a link', async () => {
    const handler = lambda(async () => {
      throw new Error(`Could not render ${LINK}`);
    });

    await expect(handler({}, context)).rejects.toThrow(SECRET);

    const [invocation] = documents();
    expect(invocation).toMatchObject({ name: '## index.handler', fault: true });
    expect(sent.join('')).not.toContain(SECRET);
    expect(sent.join('')).not.toContain('Could not render');
  });

  it('add a subsegment per AWS call with operation and status, never its parameters, output or error text', async () => {
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    let status = 200;
    const client = tracer.captureAWSv3Client(
      new DynamoDBClient({
        region: 'ap-southeast-3',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
        requestHandler: {
          handle: async () => ({
            response: {
              statusCode: status,
              headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'REQ-1' },
              body: Readable.from([
                Buffer.from(
                  status === 200
                    ? JSON.stringify({ Item: { token: { S: SECRET } } })
                    : JSON.stringify({ __type: 'ValidationException', message: `bad key ${SECRET}` }),
                ),
              ]),
            },
          }),
        },
      }),
    );
    const get = () => client.send(new GetItemCommand({ TableName: 't', Key: { PK: { S: SECRET } } }));
    const handler = lambda(async () => {
      await get();
      status = 400;
      await get().catch(() => undefined);
      return 'done';
    });

    await handler({}, context);

    const [ok, failed, invocation] = documents();
    expect(invocation?.name).toBe('## index.handler');
    expect(ok).toMatchObject({
      name: 'DynamoDB',
      namespace: 'aws',
      trace_id: ROOT,
      parent_id: invocation?.id,
      aws: { operation: 'GetItem', region: 'ap-southeast-3', request_id: 'REQ-1' },
      http: { response: { status: 200 } },
    });
    expect(ok?.error).toBeUndefined();
    expect(failed).toMatchObject({ name: 'DynamoDB', error: true, http: { response: { status: 400 } } });
    expect(failed?.fault).toBeUndefined();
    expect(sent.join('')).not.toContain(SECRET);
  });

  it('send nothing outside a sampled invocation', async () => {
    const quiet = new Tracer();
    const datagrams: string[] = [];
    quiet.transport = async (datagram) => {
      datagrams.push(datagram);
    };
    vi.stubEnv('_X_AMZN_TRACE_ID', `Root=${ROOT};Parent=${PARENT};Sampled=0`);
    quiet.startInvocation(true);
    quiet.putAnnotation('proposalId', 'p-1');
    await quiet.endInvocation(false);
    vi.stubEnv('_X_AMZN_TRACE_ID', `Root=${ROOT};Parent=${PARENT};Sampled=1`);
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'false');
    quiet.startInvocation(true);
    await quiet.endInvocation(false);
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'true');

    expect(datagrams).toEqual([]);
  });
});
