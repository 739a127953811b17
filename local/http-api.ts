/**
 * The HTTP API on 127.0.0.1: turns requests into API Gateway HTTP API (payload v2) events for the function the
 * template's route integrates, and the function's result back into a response.
 */
import { createServer, type Server } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export interface Route {
  method: string;
  path: string;
  functionArn: string;
}

export interface RunningHttpApi {
  endpoint: string;
  stop(): Promise<void>;
}

const MAX_BODY = 256 * 1024;

export async function startHttpApi(
  routes: Route[],
  invoke: (arn: string, event: APIGatewayProxyEventV2) => Promise<unknown>,
  port = 0,
): Promise<RunningHttpApi> {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const route = routes.find((r) => r.path === url.pathname && (r.method === method || r.method === 'ANY'));
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Not Found' }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) {
        res.writeHead(413, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Request Entity Too Large' }));
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const textual = /^(text\/|application\/(json|x-www-form-urlencoded))/.test(headers['content-type'] ?? '');
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: `${route.method} ${route.path}`,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? '127.0.0.1',
        domainPrefix: 'local',
        http: {
          method,
          path: url.pathname,
          protocol: 'HTTP/1.1',
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: crypto.randomUUID(),
        routeKey: `${route.method} ${route.path}`,
        stage: '$default',
        time: new Date().toUTCString(),
        timeEpoch: Date.now(),
      },
      body: body.length ? (textual ? body.toString('utf8') : body.toString('base64')) : undefined,
      isBase64Encoded: body.length > 0 && !textual,
    };
    try {
      const result = (await invoke(route.functionArn, event)) as
        | APIGatewayProxyStructuredResultV2
        | string
        | null;
      const structured: APIGatewayProxyStructuredResultV2 =
        typeof result === 'object' && result !== null && 'statusCode' in result
          ? result
          : {
              statusCode: 200,
              body: typeof result === 'string' ? result : JSON.stringify(result),
              headers: { 'content-type': 'application/json' },
            };
      const responseHeaders: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(structured.headers ?? {}))
        responseHeaders[name] = String(value);
      if (structured.cookies?.length) responseHeaders['set-cookie'] = structured.cookies;
      res.writeHead(structured.statusCode ?? 200, responseHeaders);
      res.end(
        structured.isBase64Encoded ? Buffer.from(structured.body ?? '', 'base64') : (structured.body ?? ''),
      );
    } catch {
      // What API Gateway answers when the integration fails.
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Internal Server Error' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
