/**
 * The Lambda bundles of the synthesized assembly: size of each index.mjs (raw and gzip), and the time a fresh
 * Node process takes to import it and make the first call, against a variant of the same entry built with the
 * AWS SDK left out of the bundle (loaded from node_modules, as CDK's NodejsFunction does by default).
 *
 * Each measurement is a new `node` process (the Lambda cold start's JavaScript part), with the function's
 * template environment and the AWS endpoints pointed at a closed 127.0.0.1 port with one attempt: the first
 * call runs the handler up to its first AWS call, which fails at once (connection refused), so credentials,
 * signing and the HTTP handler are loaded but no network is waited on. Variants are interleaved, medians kept.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { freePort } from '../local/emulators/ports';
import { bundleFile } from '../local/lambdas';
import type { TemplateResolver } from '../local/template';
import type { BenchResult } from './validation';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const PROBE = fileURLToPath(new URL('./cold-start-probe.mjs', import.meta.url));
const OUT = join(ROOT, '.local', 'bench');

export interface BundledFunction {
  logicalId: string;
  /** functions/<entry>.ts */
  entry: string;
  file: string;
  handlerName: string;
  memorySize: number;
  environment: Record<string, string>;
  bytes: number;
  gzipBytes: number;
}

/** Every project Lambda (Node.js, from functions/) of the templates with its bundle (sizes measured on the synthesized index.mjs). */
export function bundledFunctions(assemblyDir: string, resolver: TemplateResolver): BundledFunction[] {
  const out: BundledFunction[] = [];
  for (const { stack, logicalId, resource } of resolver.resourcesOfType('AWS::Lambda::Function')) {
    const assetPath = resource.Metadata?.['aws:asset:path'] as string | undefined;
    const props = resource.Properties ?? {};
    if (!assetPath || !String(props.Runtime ?? '').startsWith('nodejs')) continue;
    const variables = resolver.resolve(
      stack,
      (props.Environment as { Variables?: unknown } | undefined)?.Variables ?? {},
    ) as Record<string, unknown>;
    const environment = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)]));
    // The service name is `proposals-<entry>` (infra/constructs/lambda.ts), which names the source file; a
    // function without one is CDK's own (e.g. the bucket auto-delete provider) and is left out.
    const service = environment.POWERTOOLS_SERVICE_NAME ?? '';
    if (!service.startsWith('proposals-')) continue;
    const entry = service.replace(/^proposals-/, '');
    const { file, handlerName } = bundleFile(
      assemblyDir,
      assetPath,
      String(props.Handler ?? 'index.handler'),
    );
    const bytes = readFileSync(file);
    out.push({
      logicalId,
      entry,
      file,
      handlerName,
      memorySize: Number(props.MemorySize ?? 128),
      environment,
      bytes: bytes.length,
      gzipBytes: gzipSync(bytes, { level: 9 }).length,
    });
  }
  return out.sort((a, b) => a.entry.localeCompare(b.entry));
}

/** Builds functions/<entry>.ts like the project's bundling options, but with @aws-sdk/* external. */
export async function buildExternalSdkVariant(entry: string): Promise<string> {
  const outfile = join(OUT, `${entry}-sdk-external`, 'index.mjs');
  mkdirSync(join(OUT, `${entry}-sdk-external`), { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'functions', `${entry}.ts`)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*'],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'error',
  });
  return outfile;
}

/** A first event for each entry that takes the handler to its first AWS call. */
export function firstEvent(entry: string): unknown {
  const proposalId = 'p-0123456789abcdef0123';
  switch (entry) {
    case 'intake':
      return {
        Records: [
          {
            messageId: 'm-1',
            receiptHandle: 'm-1',
            body: JSON.stringify({
              Records: [
                {
                  eventName: 'ObjectCreated:Put',
                  s3: {
                    bucket: { name: 'bucket' },
                    object: { key: 'incoming/pemda-bench/p.md', size: 10, eTag: 'e' },
                  },
                },
              ],
            }),
            attributes: {},
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:intake',
            awsRegion: 'us-east-1',
          },
        ],
      };
    case 'validate':
      return { proposalId, bucket: 'bucket', key: 'incoming/pemda-bench/p.md', versionId: null };
    case 'notify':
      return { kind: 'rejected', proposalId };
    case 'reassign':
      return { proposalId, reviewerId: 'r-1', error: { Error: 'ReviewDeclined', Cause: 'busy' } };
    case 'record-failure':
      return { proposalId, error: { Error: 'Error', Cause: 'bench' } };
    case 'wait-for-ops':
      return { proposalId, gap: null, taskToken: 'token' };
    case 'send-review-task':
      return { proposalId, reviewerId: 'r-1', taskToken: 'token' };
    case 'reminders':
      return { time: new Date().toISOString() };
    case 'review-api':
      return {
        version: '2.0',
        routeKey: 'GET /review',
        rawPath: '/review',
        rawQueryString: 'r=abcdefghijklmnopqrstuvwxyz&e=9999999999&s=x',
        queryStringParameters: { r: 'abcdefghijklmnopqrstuvwxyz', e: '9999999999', s: 'x' },
        headers: { host: 'localhost', 'accept-language': 'id' },
        requestContext: { http: { method: 'GET', path: '/review', sourceIp: '127.0.0.1' }, requestId: 'r' },
        isBase64Encoded: false,
      };
    default:
      return { proposalId };
  }
}

interface ProbeResult {
  importMs: number;
  firstCallMs: number;
  outcome: string;
}

function probe(
  file: string,
  handlerName: string,
  event: unknown,
  env: Record<string, string>,
): Promise<ProbeResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [PROBE, file, handlerName, JSON.stringify(event)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', () => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolvePromise(JSON.parse(last) as ProbeResult);
      } catch {
        reject(new Error(`The cold-start probe of ${file} printed no result: ${stderr.slice(0, 300)}`));
      }
    });
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

export interface ColdStart {
  logicalId: string;
  entry: string;
  bundledMs: number;
  externalMs: number;
  bundledImportMs: number;
  externalImportMs: number;
  outcome: string;
}

export async function measureColdStarts(
  functions: BundledFunction[],
  repetitions = 7,
  progress: (line: string) => void = () => {},
): Promise<ColdStart[]> {
  const closedPort = await freePort();
  const endpoint = `http://127.0.0.1:${closedPort}`;
  const variants = new Map<string, string>();
  for (const fn of functions) variants.set(fn.entry, await buildExternalSdkVariant(fn.entry));
  const samples = new Map<string, { bundled: ProbeResult[]; external: ProbeResult[] }>();
  for (let rep = 0; rep < repetitions; rep++) {
    progress(`[cold start] round ${rep + 1}/${repetitions}`);
    for (const fn of functions) {
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        ...fn.environment,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_ENDPOINT_URL: endpoint,
        AWS_MAX_ATTEMPTS: '1',
        AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
        POWERTOOLS_LOG_LEVEL: 'CRITICAL',
      };
      const entrySamples = samples.get(fn.entry) ?? { bundled: [], external: [] };
      samples.set(fn.entry, entrySamples);
      const event = firstEvent(fn.entry);
      const runBundled = async () =>
        entrySamples.bundled.push(await probe(fn.file, fn.handlerName, event, env));
      const runExternal = async () =>
        entrySamples.external.push(await probe(variants.get(fn.entry) as string, fn.handlerName, event, env));
      // Interleaved, the order alternating per round, so drift on the machine hits both variants alike.
      if (rep % 2 === 0) {
        await runBundled();
        await runExternal();
      } else {
        await runExternal();
        await runBundled();
      }
    }
  }
  return functions.map((fn) => {
    const s = samples.get(fn.entry) ?? { bundled: [], external: [] };
    const total = (r: ProbeResult) => r.importMs + r.firstCallMs;
    return {
      logicalId: fn.logicalId,
      entry: fn.entry,
      bundledMs: median(s.bundled.map(total)),
      externalMs: median(s.external.map(total)),
      bundledImportMs: median(s.bundled.map((r) => r.importMs)),
      externalImportMs: median(s.external.map((r) => r.importMs)),
      outcome: s.bundled[0]?.outcome ?? '',
    };
  });
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export function bundleResults(functions: BundledFunction[]): BenchResult[] {
  return functions.flatMap((fn) => [
    {
      name: `bundle.${fn.entry}`,
      value: round(fn.bytes / 1024, 1),
      unit: 'KiB',
      note: `gzip -9 ${round(fn.gzipBytes / 1024, 1)} KiB; ${fn.memorySize} MB`,
    },
  ]);
}

export function coldStartResults(starts: ColdStart[], repetitions: number): BenchResult[] {
  const rows: BenchResult[] = starts.map((s) => ({
    name: `coldStart.${s.entry}`,
    value: round(s.bundledMs, 1),
    unit: 'ms',
    note: `SDK from node_modules ${round(s.externalMs, 1)} ms (x${round(s.externalMs / s.bundledMs, 2)}); import ${round(s.bundledImportMs)} vs ${round(s.externalImportMs)} ms; first call: ${s.outcome}`,
  }));
  const ratio = median(starts.map((s) => s.externalMs / s.bundledMs));
  rows.push({
    name: 'coldStart.ratio',
    value: round(ratio, 2),
    unit: 'x',
    note: `median over functions of (SDK from node_modules / SDK bundled), medians of ${repetitions} fresh processes each`,
  });
  return rows;
}
