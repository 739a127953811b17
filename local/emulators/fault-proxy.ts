/**
 * A loopback HTTP proxy in front of an emulator that lets a test inject AWS faults (throttling, service errors,
 * conditional-check races) into the requests the Lambdas send, without touching the handlers.
 */
import { createServer, request, type Server } from 'node:http';

export interface ProxiedRequest {
  /** The service the proxy stands for, e.g. `dynamodb`, `sesv2`, `sfn`. */
  service: string;
  /** The JSON-protocol operation (X-Amz-Target suffix, e.g. TransactWriteItems) or the REST path. */
  operation: string;
  body: string;
}

export interface Fault {
  status: number;
  /** AWS error type, e.g. ThrottlingException, ProvisionedThroughputExceededException. */
  type: string;
  message?: string;
}

export type FaultInjector = (request: ProxiedRequest) => Fault | undefined;

export interface RunningProxy {
  endpoint: string;
  /** Requests seen and faults injected, per service. */
  stats: { requests: number; faults: number };
  stop(): Promise<void>;
}

export async function startFaultProxy(
  service: string,
  target: string,
  inject: FaultInjector,
): Promise<RunningProxy> {
  const upstream = new URL(target);
  const stats = { requests: 0, faults: 0 };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const amzTarget = String(req.headers['x-amz-target'] ?? '');
    const operation = amzTarget ? (amzTarget.split('.').pop() ?? amzTarget) : `${req.method} ${req.url}`;
    stats.requests += 1;
    const fault = inject({ service, operation, body: body.toString('utf8') });
    if (fault) {
      stats.faults += 1;
      const json = amzTarget ? 'application/x-amz-json-1.0' : 'application/json';
      res.writeHead(fault.status, { 'content-type': json, 'x-amzn-errortype': fault.type });
      res.end(JSON.stringify({ __type: fault.type, message: fault.message ?? `Injected ${fault.type}` }));
      return;
    }
    const forward = request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ __type: 'ServiceUnavailable', message: error.message }));
    });
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * SES v2 refusals as SES answers them, for tests of what a refusal does to a proposal: the sandbox's refusal of an
 * unverified identity, a rejected message and a spent 24-hour quota.
 */
export const SES_FAULTS = {
  accessDenied: {
    status: 403,
    type: 'AccessDeniedException',
    message:
      'User is not authorized to perform `ses:SendEmail` on resource `identity/recipient@example.go.id`: the account is in the SES sandbox',
  },
  messageRejected: {
    status: 400,
    type: 'MessageRejected',
    message:
      'Email address is not verified. The following identities failed the check: recipient@example.go.id',
  },
  dailyQuota: { status: 400, type: 'LimitExceededException', message: 'Daily message quota exceeded.' },
} as const satisfies Record<string, Fault>;
