/**
 * The Lambda bundles of the synthesized assembly: size of each index.mjs (raw and gzip), and the time a fresh
 * Node process takes to import it and make the first call, against a variant of the same entry built with the
 * AWS SDK left out of the bundle (loaded from node_modules, as CDK's NodejsFunction does by default).
 *
 * Each measurement is a new `node` process (the Lambda cold start's JavaScript part), with the function's
 * template environment and the AWS endpoints pointed at a closed 127.0.0.1 port with one attempt: the first
 * call runs the handler up to its first AWS call, which fails at once (connection refused), so credentials,
 * signing and the HTTP handler are loaded but no network is waited on. Variants are interleaved, medians kept.
 *
 * The floor of a function is a bare handler that only builds the same AWS SDK clients (plus unpdf for a function
 * that parses PDFs), bundled with the same esbuild options; the clients are read from the esbuild metafile of the
 * function's own entry. Its size and its import time are what the function's bundle is compared with: size against
 * the floor with every library the function may load, import against the floor of what a Markdown/DOCX call loads
 * (unpdf is loaded lazily by the Validate function, only for a PDF).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import { LAZY_MODULES } from '../infra/constructs/lambda';
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
  /** Every .mjs of the asset (the entry plus chunks or bundled modules loaded lazily). */
  totalBytes: number;
}

/** Sum of the sizes of the .mjs files under dir (source maps not counted). */
function moduleBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) total += moduleBytes(path);
    else if (name.endsWith('.mjs')) total += statSync(path).size;
  }
  return total;
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
      totalBytes: moduleBytes(join(assemblyDir, assetPath)),
    });
  }
  return out.sort((a, b) => a.entry.localeCompare(b.entry));
}

/** The esbuild options of infra/constructs/lambda.ts (ProjectFunction's bundling). */
const LAMBDA_OPTIONS: BuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'error',
};

/** Builds functions/<entry>.ts like the project's bundling options, but with @aws-sdk/* external. */
export async function buildExternalSdkVariant(entry: string): Promise<string> {
  const outfile = join(OUT, `${entry}-sdk-external`, 'index.mjs');
  mkdirSync(join(OUT, `${entry}-sdk-external`), { recursive: true });
  await build({
    ...LAMBDA_OPTIONS,
    entryPoints: [join(ROOT, 'functions', `${entry}.ts`)],
    outfile,
    external: ['@aws-sdk/*', ...LAZY_MODULES],
  });
  return outfile;
}

/** How a bare handler builds the client of each SDK package a function bundles. */
const FLOOR_CLIENTS: Record<string, { imports: string; build: string }> = {
  'client-dynamodb': {
    imports: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    build: 'new DynamoDBClient({})',
  },
  'lib-dynamodb': {
    imports: "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
    build: 'DynamoDBDocumentClient.from(new DynamoDBClient({}))',
  },
  'client-s3': { imports: "import { S3Client } from '@aws-sdk/client-s3';", build: 'new S3Client({})' },
  's3-request-presigner': {
    imports: "import { getSignedUrl } from '@aws-sdk/s3-request-presigner';",
    build: 'getSignedUrl',
  },
  'client-sesv2': {
    imports: "import { SESv2Client } from '@aws-sdk/client-sesv2';",
    build: 'new SESv2Client({})',
  },
  'client-sfn': { imports: "import { SFNClient } from '@aws-sdk/client-sfn';", build: 'new SFNClient({})' },
  'client-sqs': { imports: "import { SQSClient } from '@aws-sdk/client-sqs';", build: 'new SQSClient({})' },
  'client-secrets-manager': {
    imports: "import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';",
    build: 'new SecretsManagerClient({})',
  },
};
const FLOOR_LIBRARIES: Record<string, { imports: string; build: string }> = {
  unpdf: { imports: "import { getResolvedPDFJS } from 'unpdf';", build: 'getResolvedPDFJS' },
};

export interface Floor {
  entry: string;
  /** SDK packages (and libraries such as unpdf) the function bundles, from the metafile of its entry. */
  packages: string[];
  /** The floor with every package: what the function's whole asset is compared with. */
  file: string;
  bytes: number;
  /** The floor without the lazily loaded libraries (unpdf): what a Markdown or DOCX cold start is compared with. */
  coreFile: string;
  coreBytes: number;
}

/** The packages of node_modules the entry's bundle holds that the floor builds (AWS SDK clients, unpdf). */
async function floorPackages(entry: string): Promise<string[]> {
  const result = await build({
    ...LAMBDA_OPTIONS,
    entryPoints: [join(ROOT, 'functions', `${entry}.ts`)],
    outdir: join(OUT, `${entry}-metafile`),
    write: false,
    metafile: true,
    sourcemap: false,
  });
  const found = new Set<string>();
  for (const input of Object.keys(result.metafile?.inputs ?? {})) {
    const sdk = /node_modules\/@aws-sdk\/([a-z0-9-]+)\//.exec(input)?.[1];
    if (sdk && (sdk.startsWith('client-') || sdk === 'lib-dynamodb' || sdk === 's3-request-presigner')) {
      if (!FLOOR_CLIENTS[sdk]) throw new Error(`The floor of ${entry} has no recipe for @aws-sdk/${sdk}`);
      found.add(sdk);
    }
    const library = /node_modules\/([a-z0-9-]+)\//.exec(input)?.[1];
    if (library && FLOOR_LIBRARIES[library]) found.add(library);
  }
  // lib-dynamodb wraps the DynamoDB client, so the floor builds both.
  if (found.has('lib-dynamodb')) found.add('client-dynamodb');
  return [...found].sort();
}

async function buildFloorFile(name: string, packages: string[]): Promise<{ file: string; bytes: number }> {
  const dir = join(OUT, name);
  mkdirSync(dir, { recursive: true });
  const recipes = packages.map((p) => FLOOR_CLIENTS[p] ?? FLOOR_LIBRARIES[p]).filter((r) => r !== undefined);
  // With lib-dynamodb the DynamoDB client is built once, inside the document client.
  const builds = packages
    .filter((p) => !(p === 'client-dynamodb' && packages.includes('lib-dynamodb')))
    .map((p) => (FLOOR_CLIENTS[p] ?? FLOOR_LIBRARIES[p])?.build);
  const source = [
    ...recipes.map((r) => r.imports),
    `const clients = [${builds.join(', ')}];`,
    'export const handler = async () => ({ statusCode: 200, clients: clients.length });',
    '',
  ].join('\n');
  // Written inside the project so the packages resolve from its node_modules.
  const entryFile = join(dir, 'floor-entry.mjs');
  writeFileSync(entryFile, source);
  const file = join(dir, 'index.mjs');
  await build({ ...LAMBDA_OPTIONS, entryPoints: [entryFile], outfile: file });
  return { file, bytes: statSync(file).size };
}

/** Builds the floor of functions/<entry>.ts (see the top of this file). */
export async function buildFloor(entry: string): Promise<Floor> {
  const packages = await floorPackages(entry);
  const full = await buildFloorFile(`${entry}-floor`, packages);
  const corePackages = packages.filter((p) => !FLOOR_LIBRARIES[p]);
  const core =
    corePackages.length === packages.length
      ? full
      : await buildFloorFile(`${entry}-floor-core`, corePackages);
  return { entry, packages, file: full.file, bytes: full.bytes, coreFile: core.file, coreBytes: core.bytes };
}

/** Where a bench file sits, relative to the project (for notes). */
export const benchPath = (file: string) => relative(ROOT, file);

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
  importCpuMs: number;
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
  /** Import of the floor without lazily loaded libraries (the Markdown/DOCX path). */
  floorImportMs: number;
  /** Import of the floor with them (same as floorImportMs for a function without any). */
  floorFullImportMs: number;
  /** CPU time (user + system) of the bundle's import and of the floor's, medians. */
  bundledImportCpuMs: number;
  floorImportCpuMs: number;
  outcome: string;
}

type Variant = 'bundled' | 'external' | 'floor' | 'floorFull';

export async function measureColdStarts(
  functions: BundledFunction[],
  floors: Map<string, Floor>,
  repetitions = 7,
  progress: (line: string) => void = () => {},
): Promise<ColdStart[]> {
  const closedPort = await freePort();
  const endpoint = `http://127.0.0.1:${closedPort}`;
  const external = new Map<string, string>();
  for (const fn of functions) external.set(fn.entry, await buildExternalSdkVariant(fn.entry));
  const samples = new Map<string, Record<Variant, ProbeResult[]>>();
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
      const entrySamples = samples.get(fn.entry) ?? { bundled: [], external: [], floor: [], floorFull: [] };
      samples.set(fn.entry, entrySamples);
      const event = firstEvent(fn.entry);
      const floor = floors.get(fn.entry);
      if (!floor) throw new Error(`No floor built for ${fn.entry}`);
      const files: [Variant, string][] = [
        ['bundled', fn.file],
        ['external', external.get(fn.entry) as string],
        ['floor', floor.coreFile],
      ];
      if (floor.file !== floor.coreFile) files.push(['floorFull', floor.file]);
      // Interleaved, the order reversed every other round, so drift on the machine hits every variant alike.
      if (rep % 2 === 1) files.reverse();
      for (const [variant, file] of files)
        entrySamples[variant].push(
          await probe(
            file,
            variant === 'bundled' || variant === 'external' ? fn.handlerName : 'handler',
            event,
            env,
          ),
        );
    }
  }
  return functions.map((fn) => {
    const s = samples.get(fn.entry) ?? { bundled: [], external: [], floor: [], floorFull: [] };
    const total = (r: ProbeResult) => r.importMs + r.firstCallMs;
    const floorImportMs = median(s.floor.map((r) => r.importMs));
    return {
      logicalId: fn.logicalId,
      entry: fn.entry,
      bundledMs: median(s.bundled.map(total)),
      externalMs: median(s.external.map(total)),
      bundledImportMs: median(s.bundled.map((r) => r.importMs)),
      externalImportMs: median(s.external.map((r) => r.importMs)),
      floorImportMs,
      floorFullImportMs: s.floorFull.length ? median(s.floorFull.map((r) => r.importMs)) : floorImportMs,
      bundledImportCpuMs: median(s.bundled.map((r) => r.importCpuMs)),
      floorImportCpuMs: median(s.floor.map((r) => r.importCpuMs)),
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

/** Goals of the floor measure: bundle ≤ 1.25× its floor, import ≤ 1.3× the floor's. */
export const FLOOR_GOALS = { size: 1.25, import: 1.3 };

/** Per function: size / floor and import / floor's import, with the figures behind each. */
export function floorResults(
  functions: BundledFunction[],
  floors: Map<string, Floor>,
  starts: ColdStart[],
): BenchResult[] {
  const rows: BenchResult[] = [];
  for (const fn of functions) {
    const floor = floors.get(fn.entry);
    const start = starts.find((s) => s.entry === fn.entry);
    if (!floor || !start) continue;
    const lazy = floor.file !== floor.coreFile;
    const size = fn.totalBytes / floor.bytes;
    const imported = start.bundledImportMs / start.floorImportMs;
    rows.push({
      name: `floor.${fn.entry}.size`,
      value: round(size, 2),
      unit: 'x',
      note: `${round(fn.totalBytes / 1024)} KiB${lazy ? ` (entry ${round(fn.bytes / 1024)} KiB)` : ''} / floor ${round(floor.bytes / 1024)} KiB [${floor.packages.join(', ')}]${size > FLOOR_GOALS.size ? ` — above ${FLOOR_GOALS.size}x` : ''}`,
    });
    rows.push({
      name: `floor.${fn.entry}.import`,
      value: round(imported, 2),
      unit: 'x',
      note: `${round(start.bundledImportMs)} ms / floor ${round(start.floorImportMs)} ms${lazy ? ` (floor without unpdf; with it ${round(start.floorFullImportMs)} ms)` : ''}${imported > FLOOR_GOALS.import ? ` — above ${FLOOR_GOALS.import}x` : ''}`,
    });
    const cpu = start.bundledImportCpuMs / start.floorImportCpuMs;
    rows.push({
      name: `floor.${fn.entry}.importCpu`,
      value: round(cpu, 2),
      unit: 'x',
      note: `CPU time of the import: ${round(start.bundledImportCpuMs)} ms / floor ${round(start.floorImportCpuMs)} ms (less moved by a busy machine than wall time)${cpu > FLOOR_GOALS.import ? ` — above ${FLOOR_GOALS.import}x` : ''}`,
    });
  }
  const worst = (suffix: string) =>
    rows.filter((r) => r.name.endsWith(suffix)).reduce((max, r) => Math.max(max, r.value), 0);
  rows.push({
    name: 'floor.worst.size',
    value: worst('.size'),
    unit: 'x',
    note: `goal ≤ ${FLOOR_GOALS.size}x`,
  });
  rows.push({
    name: 'floor.worst.import',
    value: worst('.import'),
    unit: 'x',
    note: `goal ≤ ${FLOOR_GOALS.import}x`,
  });
  rows.push({
    name: 'floor.worst.importCpu',
    value: worst('.importCpu'),
    unit: 'x',
    note: `goal ≤ ${FLOOR_GOALS.import}x`,
  });
  return rows;
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
