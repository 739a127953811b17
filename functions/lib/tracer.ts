/**
 * X-Ray tracing without the X-Ray SDK. Lambda active tracing (infra: `Tracing.ACTIVE`) records each function's
 * own segments (initialization, invocation, overhead) and passes the trace on to Step Functions; this module adds
 * what only the code knows, as subsegment documents sent over UDP to the Lambda X-Ray daemon
 * (AWS_XRAY_DAEMON_ADDRESS), the protocol the X-Ray SDK speaks:
 * - one `## <handler>` subsegment per invocation, annotated with ColdStart, Service and the proposal's id
 *   (`putAnnotation`), flagged `fault` when the handler throws;
 * - one subsegment per AWS SDK call of a captured client (`captureAWSv3Client`): service, operation, region, HTTP
 *   status, request id and attempts, flagged `throttle`, `error` (4xx) or `fault` (5xx, no answer).
 *
 * What it never records: a handler's event or response, an SDK call's parameters or output, an error's message or
 * stack. The review page's response carries signed links and a presigned S3 URL, the review-task handler's input a
 * task token, and an error can quote either: anyone who can read X-Ray could act as a reviewer.
 *
 * The X-Ray SDK (aws-xray-sdk-core with semver and cls-hooked, through Powertools Tracer) was a third of every
 * bundle's own code and a sixth of its cold-start import; this is a few hundred lines. Nothing is sent outside
 * Lambda, when the invocation is not sampled, or with POWERTOOLS_TRACE_ENABLED=false.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

/** A subsegment as X-Ray takes it (the fields this module sets). */
export interface SubsegmentDocument {
  name: string;
  id: string;
  trace_id: string;
  parent_id: string;
  type: 'subsegment';
  start_time: number;
  end_time: number;
  namespace?: 'aws';
  annotations?: Record<string, string | number | boolean>;
  aws?: { operation: string; region?: string; request_id?: string; retries?: number };
  http?: { response: { status: number } };
  error?: true;
  throttle?: true;
  fault?: true;
}

/** Sends one document (protocol header included) to the daemon. */
export type Transport = (datagram: string) => Promise<void>;

const PROTOCOL_HEADER = '{"format":"json","version":1}\n';
/** X-Ray drops annotation values longer than this. */
const MAX_ANNOTATION_CHARS = 250;

interface TraceHeader {
  root: string;
  parent: string;
}

/** The fields of an X-Ray trace header (`Root=...;Parent=...;Sampled=1`, as Lambda sets `_X_AMZN_TRACE_ID`). */
export function traceHeaderFields(header: string | undefined): Map<string, string> {
  return new Map(
    (header ?? '').split(';').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
}

/** Root and Parent of `_X_AMZN_TRACE_ID`, when the invocation is sampled. */
function sampledTrace(header: string | undefined): TraceHeader | undefined {
  if (!header) return undefined;
  const fields = traceHeaderFields(header);
  const root = fields.get('Root');
  const parent = fields.get('Parent');
  if (!root || !parent || fields.get('Sampled') !== '1') return undefined;
  return { root, parent };
}

const newId = () => randomBytes(8).toString('hex');
const now = () => Date.now() / 1000;

/** The daemon's UDP address: `host:port`, or `tcp:host:port udp:host:port` (only UDP is used). */
function daemonAddress(value: string): { host: string; port: number } | undefined {
  const udp = value.split(/\s+/).find((part) => part.startsWith('udp:')) ?? value;
  const match = /^(?:udp:)?([^:\s]+):(\d+)$/.exec(udp);
  return match ? { host: match[1] as string, port: Number(match[2]) } : undefined;
}

let socket: Socket | undefined;
/** UDP to AWS_XRAY_DAEMON_ADDRESS; resolves once the datagram is handed to the network (errors are dropped). */
const udpTransport: Transport = (datagram) =>
  new Promise((resolve) => {
    const address = daemonAddress(process.env.AWS_XRAY_DAEMON_ADDRESS ?? '');
    if (!address) return resolve();
    if (!socket) {
      socket = createSocket('udp4');
      socket.unref();
      // A lost trace is not the function's failure.
      socket.on('error', () => {});
    }
    socket.send(datagram, address.port, address.host, () => resolve());
  });

interface Invocation {
  trace: TraceHeader;
  subsegment: SubsegmentDocument;
  pending: Promise<void>[];
}

/** HTTP status of an SDK call's answer or error. */
const statusOf = (value: unknown): number | undefined =>
  (value as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;

/** Smithy's `$metadata` of an output or error. */
const metadataOf = (value: unknown) =>
  (value as { $metadata?: { requestId?: string; attempts?: number } } | undefined)?.$metadata ?? {};

function isThrottle(error: unknown, status: number | undefined): boolean {
  const name = (error as { name?: string } | undefined)?.name ?? '';
  return (
    status === 429 ||
    /Throttl|TooManyRequests|RequestLimitExceeded|ProvisionedThroughputExceeded|SlowDown/.test(name)
  );
}

/** A client whose middleware stack accepts the tracing step (every AWS SDK v3 client). */
interface TracedClient {
  middlewareStack: {
    add: (middleware: unknown, options: { step: 'build'; name: string; override?: boolean }) => void;
  };
  config: { region?: string | (() => Promise<string>) };
}

export class Tracer {
  /** What sends documents; tests replace it. */
  transport: Transport = udpTransport;
  private current: Invocation | undefined;

  /** Tracing applies: inside Lambda, not switched off, and the invocation sampled. */
  isTracingEnabled(): boolean {
    return (
      process.env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false' &&
      Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME) &&
      Boolean(process.env.AWS_XRAY_DAEMON_ADDRESS)
    );
  }

  /** Opens the invocation's `## <handler>` subsegment (a no-op outside a sampled Lambda invocation). */
  startInvocation(coldStart: boolean): void {
    const trace = this.isTracingEnabled() ? sampledTrace(process.env._X_AMZN_TRACE_ID) : undefined;
    if (!trace) {
      this.current = undefined;
      return;
    }
    const annotations: Record<string, string | number | boolean> = { ColdStart: coldStart };
    if (process.env.POWERTOOLS_SERVICE_NAME) annotations.Service = process.env.POWERTOOLS_SERVICE_NAME;
    this.current = {
      trace,
      pending: [],
      subsegment: {
        name: `## ${process.env._HANDLER ?? 'handler'}`,
        id: newId(),
        trace_id: trace.root,
        parent_id: trace.parent,
        type: 'subsegment',
        start_time: now(),
        end_time: 0,
        annotations,
      },
    };
  }

  /** Closes and sends the invocation's subsegment (fault-flagged when it failed), after its SDK calls' ones. */
  async endInvocation(failed: boolean): Promise<void> {
    const invocation = this.current;
    this.current = undefined;
    if (!invocation) return;
    invocation.subsegment.end_time = now();
    if (failed) invocation.subsegment.fault = true;
    invocation.pending.push(this.send(invocation.subsegment));
    await Promise.all(invocation.pending);
  }

  /** Annotates the current invocation's subsegment (searchable in X-Ray, e.g. `annotation.proposalId`). */
  putAnnotation(key: string, value: string | number | boolean): void {
    const annotations = this.current?.subsegment.annotations;
    if (!annotations) return;
    annotations[key.replace(/[^A-Za-z0-9_]/g, '_')] =
      typeof value === 'string' ? value.slice(0, MAX_ANNOTATION_CHARS) : value;
  }

  /** Adds a subsegment per call of the client (service, operation, status; never parameters or output). */
  captureAWSv3Client<T extends object>(client: T): T {
    const traced = client as unknown as TracedClient;
    traced.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
        async (args: unknown) => {
          const invocation = this.current;
          if (!invocation) return next(args);
          const started = now();
          const service = (context.clientName ?? 'AWS').replace(/Client$/, '');
          const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
          const region = traced.config.region;
          const regionName = typeof region === 'function' ? await region().catch(() => undefined) : region;
          let result: { output?: unknown; response?: { statusCode?: number } } | undefined;
          let failure: unknown;
          try {
            result = (await next(args)) as typeof result;
            return result;
          } catch (error) {
            failure = error;
            throw error;
          } finally {
            const status = result?.response?.statusCode ?? statusOf(result?.output) ?? statusOf(failure);
            const metadata = metadataOf(result?.output ?? failure);
            const document: SubsegmentDocument = {
              name: service,
              id: newId(),
              trace_id: invocation.trace.root,
              parent_id: invocation.subsegment.id,
              type: 'subsegment',
              namespace: 'aws',
              start_time: started,
              end_time: now(),
              aws: {
                operation,
                ...(regionName ? { region: regionName } : {}),
                ...(metadata.requestId ? { request_id: metadata.requestId } : {}),
                ...(metadata.attempts ? { retries: metadata.attempts - 1 } : {}),
              },
              ...(status ? { http: { response: { status } } } : {}),
            };
            if (failure !== undefined) {
              if (isThrottle(failure, status)) document.throttle = true;
              if (status !== undefined && status >= 400 && status < 500) document.error = true;
              else document.fault = true;
            }
            invocation.pending.push(this.send(document));
          }
        },
      { step: 'build', name: 'projectXRayTracing', override: true },
    );
    return client;
  }

  private send(document: SubsegmentDocument): Promise<void> {
    return this.transport(`${PROTOCOL_HEADER}${JSON.stringify(document)}`).catch(() => {});
  }
}

export const tracer = new Tracer();
