/**
 * Runs the synthesized Lambda bundles in process the way Lambda runs them: each function has a pool of sandboxes
 * (worker threads with the environment the template gives it, plus the local endpoints), and a sandbox handles
 * one invocation at a time, so module state such as the logger's keys and the metrics buffer belongs to one
 * invocation. A function scales by starting sandboxes, up to a bounded concurrency; further invocations wait for
 * a free sandbox. A caller that Lambda would answer with a throttle (Step Functions' synchronous invoke) waits only
 * in a bounded line: when every sandbox is busy and its wait would be too long it gets
 * Lambda.TooManyRequestsException at once, and the state machine's retrier paces it, as on AWS. An invocation past
 * the function's timeout fails with Sandbox.Timedout and its sandbox is terminated (a fresh one starts when
 * needed), so nothing it left running can touch later invocations.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface LocalFunction {
  /** Local physical name (also the last part of its ARN). */
  name: string;
  logicalId: string;
  file: string;
  handlerName: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memorySize: number;
  /** The template's ReservedConcurrentExecutions, when set: it caps the function's sandboxes. */
  reservedConcurrency?: number;
  /**
   * The MaximumConcurrency of an SQS event source mapping to this function: that many batches run at once on
   * Lambda, so the function gets that many sandboxes even above the host's default limit (not above its reserved
   * concurrency).
   */
  eventSourceConcurrency?: number;
}

/** The error a Lambda threw, as Step Functions and the SDK see it (`name` is the error type). */
export class LambdaError extends Error {
  constructor(
    name: string,
    message: string,
    readonly functionName: string,
    readonly remoteStack?: string,
  ) {
    super(message);
    this.name = name;
  }
}

export interface InvocationStats {
  /** Invocations that ran (or failed in the sandbox); throttled ones are counted apart. */
  invocations: number;
  errors: number;
  /** Sum of the handlers' own time (ms), measured inside the sandbox. */
  handlerMs: number;
  /** Sum of the CPU time the sandboxes' threads spent in invocations (ms; Linux, else 0). */
  cpuMs: number;
  /**
   * CPU time of the sandboxes' threads in all (init, invocations and what runs between them), as of each one's
   * latest message (ms; Linux, else 0).
   */
  threadCpuMs: number;
  /** Init time of the function's first sandbox (ms). */
  initMs: number;
}

/** A function's invocation counts and its sandboxes' story. */
export interface FunctionStats extends InvocationStats {
  /** Sandboxes started (the first one and every replacement or scale-out). */
  coldStarts: number;
  /** Invocations stopped at the function's timeout. */
  timeouts: number;
  /** Most invocations running at once. */
  peakConcurrency: number;
  /** Time invocations spent waiting for a free sandbox (ms): the sum, and the longest single wait. */
  waitMs: number;
  maxWaitMs: number;
  /** Invocations refused with Lambda.TooManyRequestsException (they never reached a sandbox). */
  throttles: number;
}

/** A function's stats before its first invocation. */
export function emptyStats(): FunctionStats {
  return {
    invocations: 0,
    errors: 0,
    handlerMs: 0,
    cpuMs: 0,
    threadCpuMs: 0,
    initMs: 0,
    coldStarts: 0,
    timeouts: 0,
    peakConcurrency: 0,
    waitMs: 0,
    maxWaitMs: 0,
    throttles: 0,
  };
}

/**
 * What Step Functions sees when Lambda refuses a synchronous invoke for want of concurrency (HTTP 429,
 * TooManyRequestsException): the error its retriers name.
 */
export const THROTTLE_ERROR = 'Lambda.TooManyRequestsException';

/** A refusal for want of concurrency, as Step Functions names it or as the Lambda API does. */
export function isThrottle(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === THROTTLE_ERROR || name === 'TooManyRequestsException';
}

export interface InvokeOptions {
  /**
   * At the function's concurrency limit: 'wait' for a free sandbox however long it takes (the SQS poller, which
   * holds its batch rather than losing it; the HTTP API; the schedules; tests), or 'throttle' (a synchronous invoke
   * from Step Functions): wait only in the bounded line in front of the busy sandboxes, otherwise fail at once with
   * THROTTLE_ERROR, as Lambda answers 429 instead of queueing.
   */
  atLimit?: 'wait' | 'throttle';
  /** A throttling caller's own bound on its wait for a sandbox (ms), below the host's (maxLineWaitMs). */
  maxWaitMs?: number;
}

/** A test hook run before each invocation; throwing makes that invocation fail as a crashed sandbox would. */
export type BeforeInvoke = (fn: LocalFunction, event: unknown) => void | Promise<void>;

export interface LambdaHostOptions {
  /** Where the sandboxes' log lines go, prefixed with the function's logical id. */
  onLog?: (line: string) => void;
  beforeInvoke?: BeforeInvoke;
  /** Sandboxes per function at most (default DEFAULT_MAX_CONCURRENCY). */
  maxConcurrency?: number;
  /**
   * The line in front of a busy function that a throttling caller may always join, per sandbox of its limit
   * (default THROTTLE_LINE_PER_SANDBOX).
   */
  throttleLinePerSandbox?: number;
  /**
   * Beyond that, a throttling caller joins the line only while its expected wait (its place in the line over the
   * function's sandboxes, times the function's recent invocation time) is at most this (ms; default
   * MAX_LINE_WAIT_MS). 0 with a line of 0 per sandbox: refused as soon as every sandbox is busy, as on Lambda.
   */
  maxLineWaitMs?: number;
  /** Niceness added to each sandbox's thread (default SANDBOX_NICE; 0 keeps the host's priority). */
  sandboxNice?: number;
}

/** Sandboxes per function by default: enough to overlap I/O, few enough for a laptop (4 on 2 cores). */
export const DEFAULT_MAX_CONCURRENCY = Math.max(2, 2 * availableParallelism());

/**
 * The line in front of a busy function before a throttling caller is refused. Lambda has no line: at its limit it
 * refuses at once. Locally the limit is a laptop's (4 sandboxes, not an account's 1,000), so a burst meets it all the
 * time; each refusal costs the execution an exponential backoff (up to a minute), during which sandboxes stand idle
 * and the burst ends in a long tail of sleeping retries. So a throttling caller may always wait behind one
 * invocation per sandbox, and further while its expected wait is at most MAX_LINE_WAIT_MS (and its own bound, a
 * quarter of its task's TimeoutSeconds: the wait counts against that timeout, the retrier's backoff does not).
 * Beyond that it is refused, and the state machine's retrier paces it as on AWS.
 */
export const THROTTLE_LINE_PER_SANDBOX = 1;
export const MAX_LINE_WAIT_MS = 30_000;

/**
 * How much lower a sandbox's thread runs than the host's (its nice value, added): every emulator a handler calls
 * has a single thread that all requests pass through (DynamoDB Local's SQLite queue, the host's main thread with
 * s3rver, SES and Step Functions). On AWS those services do not share CPU with the functions; locally, dozens of
 * busy sandbox threads kept DynamoDB Local's SQLite thread waiting for a core more than half the time in a burst,
 * so every request, and every sandbox waiting on one, took longer. Linux keeps a nice value per thread, so only
 * the sandboxes' threads are lowered (elsewhere it would apply to the whole process: left at 0).
 */
export const SANDBOX_NICE = process.platform === 'linux' ? 10 : 0;

/**
 * Longest init of a sandbox before it is given up (Lambda allows 10 s; a laptop busy with tests, emulators and
 * other sandboxes starting can be several times slower than Lambda's hosts).
 */
const INIT_TIMEOUT_MS = 60_000;

const WORKER_FILE = fileURLToPath(new URL('./lambda-worker.mjs', import.meta.url));

/** Node options that load code into every thread before its entry module: preloads and module loaders. */
const PRELOAD_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/**
 * The Node options a sandbox runs with: the host's, minus its preloads and module loaders. A bundle is plain
 * JavaScript with its dependencies inside, as on Lambda; a loader the host itself runs under (tsx for the
 * TypeScript sources of the runtime) would otherwise load again in every sandbox and hook each of its imports,
 * which costs about a second of CPU per sandbox start. Other options (source maps, profiling, conditions) stay.
 */
export function sandboxExecArgv(hostExecArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < hostExecArgv.length; i++) {
    const arg = hostExecArgv[i] as string;
    if (PRELOAD_FLAGS.has(arg)) {
      i += 1; // the flag's value is the next argument
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0 && PRELOAD_FLAGS.has(arg.slice(0, eq))) continue;
    kept.push(arg);
  }
  return kept;
}

interface Invocation {
  id: string;
  /** When it was handed to its sandbox (performance.now()). */
  startedAt: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

interface Sandbox {
  worker: Worker;
  /** Init done: it can take invocations. */
  ready: boolean;
  /** The one invocation it runs, if any. */
  current?: Invocation;
  /** Terminated or lost: it takes no more invocations. */
  gone: boolean;
  initTimer?: NodeJS.Timeout;
  /** Its thread's CPU time (ms) as of its latest message. */
  cpuSeenMs?: number;
}

interface Waiter {
  resolve: (sandbox: Sandbox) => void;
  reject: (error: Error) => void;
}

interface Pool {
  fn: LocalFunction;
  limit: number;
  /** Waiting invocations a throttling caller may always join. */
  line: number;
  /** Recent time of an invocation from hand-over to answer (ms, a moving average; 0 until one answered). */
  recentRunMs: number;
  sandboxes: Set<Sandbox>;
  /** Ready sandboxes waiting for an invocation (the most recently used last). */
  idle: Sandbox[];
  /** Sandboxes in their init phase (at most one at a time per function). */
  starting: number;
  /** Invocations waiting for a sandbox, oldest first. */
  waiting: Waiter[];
  /** Invocations admitted and not yet answered: waiting for a sandbox or running. */
  admitted: number;
}

const stoppedError = () => new LambdaError('Lambda.Unknown', 'The local runtime stopped', 'local');

export class LambdaHost {
  readonly stats = new Map<string, FunctionStats>();
  private readonly byName = new Map<string, LocalFunction>();
  private readonly pools = new Map<string, Pool>();
  private readonly terminating = new Set<Promise<number>>();
  private readonly onLog: (line: string) => void;
  private readonly beforeInvoke?: BeforeInvoke;
  readonly maxConcurrency: number;
  private readonly throttleLinePerSandbox: number;
  private readonly maxLineWaitMs: number;
  private readonly sandboxNice: number;
  private stopped = false;
  private started = 0;

  constructor(
    functions: LocalFunction[],
    private readonly sharedEnv: Record<string, string>,
    options: LambdaHostOptions = {},
  ) {
    for (const fn of functions) this.byName.set(fn.name, fn);
    this.onLog = options.onLog ?? (() => {});
    this.beforeInvoke = options.beforeInvoke;
    this.maxConcurrency = Math.max(1, Math.floor(options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY));
    this.throttleLinePerSandbox = Math.max(0, options.throttleLinePerSandbox ?? THROTTLE_LINE_PER_SANDBOX);
    this.maxLineWaitMs = Math.max(0, options.maxLineWaitMs ?? MAX_LINE_WAIT_MS);
    this.sandboxNice = Math.max(0, Math.floor(options.sandboxNice ?? SANDBOX_NICE));
  }

  functions(): LocalFunction[] {
    return [...this.byName.values()];
  }

  /** Finds a function by name, ARN or logical id. */
  find(nameOrArn: string): LocalFunction | undefined {
    const name = nameOrArn.startsWith('arn:') ? (nameOrArn.split(':')[6] ?? '') : nameOrArn;
    return this.byName.get(name) ?? [...this.byName.values()].find((fn) => fn.logicalId === nameOrArn);
  }

  /** A function's sandboxes right now (busy: running an invocation; starting: in their init phase). */
  sandboxes(nameOrArn: string): {
    total: number;
    busy: number;
    idle: number;
    starting: number;
    waiting: number;
  } {
    const fn = this.find(nameOrArn);
    const pool = fn && this.pools.get(fn.name);
    if (!pool) return { total: 0, busy: 0, idle: 0, starting: 0, waiting: 0 };
    const { size } = pool.sandboxes;
    const idle = pool.idle.length;
    return {
      total: size,
      busy: size - idle - pool.starting,
      idle,
      starting: pool.starting,
      waiting: pool.waiting.length,
    };
  }

  /**
   * Invokes a function with an event; rejects with a LambdaError named like the handler's error, or with
   * THROTTLE_ERROR when a throttling caller finds the function at its limit (options.atLimit).
   */
  async invoke(nameOrArn: string, event: unknown, options: InvokeOptions = {}): Promise<unknown> {
    const fn = this.find(nameOrArn);
    if (!fn) throw new LambdaError('ResourceNotFoundException', `No function ${nameOrArn}`, nameOrArn);
    if (this.beforeInvoke) {
      try {
        await this.beforeInvoke(fn, event);
      } catch (error) {
        const stats = this.statsOf(fn.name);
        stats.invocations += 1;
        stats.errors += 1;
        // What Lambda reports when the runtime process dies mid-invocation.
        throw new LambdaError('Lambda.Unknown', `The function crashed: ${(error as Error).message}`, fn.name);
      }
    }
    const pool = this.poolOf(fn);
    if (options.atLimit === 'throttle' && this.atLimit(pool, options.maxWaitMs)) {
      this.statsOf(fn.name).throttles += 1;
      throw new LambdaError(
        THROTTLE_ERROR,
        'Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException)',
        fn.name,
      );
    }
    pool.admitted += 1;
    try {
      const queuedAt = performance.now();
      const sandbox = await this.acquire(pool);
      const waited = performance.now() - queuedAt;
      const stats = this.statsOf(fn.name);
      stats.waitMs += waited;
      stats.maxWaitMs = Math.max(stats.maxWaitMs, waited);
      return await this.run(pool, sandbox, event);
    } finally {
      pool.admitted -= 1;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const pool of this.pools.values()) {
      for (const waiter of pool.waiting.splice(0)) waiter.reject(stoppedError());
      for (const sandbox of [...pool.sandboxes]) {
        const invocation = sandbox.current;
        sandbox.current = undefined;
        if (invocation) {
          clearTimeout(invocation.timer);
          invocation.reject(stoppedError());
        }
        this.discard(pool, sandbox);
      }
    }
    await Promise.all([...this.terminating]);
  }

  /**
   * Every sandbox taken, the short line full, and a longer wait than the bound expected (or nothing known yet about
   * the function's invocation time): Lambda would refuse another invocation.
   */
  private atLimit(pool: Pool, maxWaitMs = Number.POSITIVE_INFINITY): boolean {
    if (pool.admitted < pool.limit + pool.line) return false;
    if (pool.recentRunMs === 0) return true;
    const rounds = Math.ceil((pool.waiting.length + 1) / pool.limit);
    return rounds * pool.recentRunMs > Math.min(this.maxLineWaitMs, maxWaitMs);
  }

  private poolOf(fn: LocalFunction): Pool {
    let pool = this.pools.get(fn.name);
    if (!pool) {
      const reserved = fn.reservedConcurrency ?? Number.POSITIVE_INFINITY;
      const wanted = Math.max(this.maxConcurrency, fn.eventSourceConcurrency ?? 0);
      const limit = Math.max(1, Math.min(wanted, reserved));
      pool = {
        fn,
        limit,
        line: Math.floor(limit * this.throttleLinePerSandbox),
        recentRunMs: 0,
        sandboxes: new Set(),
        idle: [],
        starting: 0,
        waiting: [],
        admitted: 0,
      };
      this.pools.set(fn.name, pool);
    }
    return pool;
  }

  /** Resolves with a ready sandbox that is this invocation's alone until it answers. */
  private acquire(pool: Pool): Promise<Sandbox> {
    if (this.stopped) return Promise.reject(stoppedError());
    return new Promise((resolve, reject) => {
      pool.waiting.push({ resolve, reject });
      this.dispatch(pool);
    });
  }

  /**
   * Hands ready sandboxes to waiting invocations, oldest first (the most recently used sandbox first, so few stay
   * warm); while invocations still wait, starts one more sandbox if the function is under its limit. Sandboxes
   * start one at a time per function, and a waiting invocation takes whichever sandbox is free first, a new one or
   * a warm one that finished, so a busy machine is not made busier by a crowd of inits.
   */
  private dispatch(pool: Pool): void {
    while (pool.waiting.length > 0) {
      const sandbox = pool.idle.pop();
      if (sandbox) {
        pool.waiting.shift()?.resolve(sandbox);
        continue;
      }
      if (this.stopped || pool.starting > 0 || pool.sandboxes.size >= pool.limit) return;
      try {
        this.spawn(pool);
      } catch (error) {
        pool.waiting.shift()?.reject(error as Error);
        continue;
      }
      return;
    }
  }

  /** An invocation ended normally: the sandbox is free again. */
  private release(pool: Pool, sandbox: Sandbox): void {
    sandbox.current = undefined;
    if (sandbox.gone) return;
    pool.idle.push(sandbox);
    this.dispatch(pool);
  }

  /** Terminates a sandbox (timed out, crashed, failed init, stopping). */
  private discard(pool: Pool, sandbox: Sandbox): void {
    if (sandbox.gone) return;
    sandbox.gone = true;
    clearTimeout(sandbox.initTimer);
    if (!sandbox.ready) pool.starting -= 1;
    pool.sandboxes.delete(sandbox);
    const at = pool.idle.indexOf(sandbox);
    if (at >= 0) pool.idle.splice(at, 1);
    const terminated = sandbox.worker.terminate().catch(() => 1);
    this.terminating.add(terminated);
    void terminated.then(() => this.terminating.delete(terminated));
  }

  /**
   * The sandbox's init failed (an error at import, no such handler export, a crash or the init limit): the
   * oldest waiting invocation fails with that error, as on Lambda, and the next one gets a fresh sandbox.
   */
  private initFailed(pool: Pool, sandbox: Sandbox, error: LambdaError): void {
    if (sandbox.gone) return;
    this.discard(pool, sandbox);
    const waiter = pool.waiting.shift();
    if (waiter) {
      const stats = this.statsOf(pool.fn.name);
      stats.invocations += 1;
      stats.errors += 1;
      waiter.reject(error);
    }
    this.dispatch(pool);
  }

  private spawn(pool: Pool): Sandbox {
    const { fn } = pool;
    if (!existsSync(fn.file)) throw new Error(`Bundle of ${fn.logicalId} not found: ${fn.file}`);
    this.started += 1;
    const worker = new Worker(WORKER_FILE, {
      workerData: {
        file: fn.file,
        handlerName: fn.handlerName,
        functionName: fn.name,
        memorySize: fn.memorySize,
        logStreamName: `local/[$LATEST]${String(this.started).padStart(4, '0')}`,
        nice: this.sandboxNice,
      },
      env: { ...fn.environment, ...this.sharedEnv, AWS_LAMBDA_FUNCTION_NAME: fn.name },
      execArgv: sandboxExecArgv(process.execArgv),
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: Math.max(256, fn.memorySize) },
    });
    const sandbox: Sandbox = { worker, ready: false, gone: false };
    sandbox.initTimer = setTimeout(() => {
      const message = `Init timed out after ${INIT_TIMEOUT_MS / 1000} seconds`;
      this.initFailed(pool, sandbox, new LambdaError('Sandbox.Timedout', message, fn.name));
    }, INIT_TIMEOUT_MS);
    pool.sandboxes.add(sandbox);
    pool.starting += 1;
    const stats = this.statsOf(fn.name);
    stats.coldStarts += 1;
    this.forwardLogs(fn, worker.stdout);
    this.forwardLogs(fn, worker.stderr);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        if (sandbox.gone) return;
        clearTimeout(sandbox.initTimer);
        sandbox.ready = true;
        pool.starting -= 1;
        if (stats.initMs === 0) stats.initMs = message.initMs;
        this.countThreadCpu(pool, sandbox, message.threadCpuMs);
        pool.idle.push(sandbox);
        this.dispatch(pool);
      } else if (message.type === 'init-error') {
        const { name, message: text, stack } = message.error;
        this.initFailed(pool, sandbox, new LambdaError(name, text, fn.name, stack));
      } else this.answered(pool, sandbox, message);
    });
    worker.on('error', (error) => this.lost(pool, sandbox, `The function crashed: ${error.message}`));
    worker.on('exit', (code) => this.lost(pool, sandbox, `The sandbox exited with code ${code}`));
    return sandbox;
  }

  /** Runs one invocation in a ready sandbox of its own: resolves with its answer, or fails at the timeout. */
  private run(pool: Pool, sandbox: Sandbox, event: unknown): Promise<unknown> {
    const { fn } = pool;
    const stats = this.statsOf(fn.name);
    return new Promise((resolve, reject) => {
      if (sandbox.gone) {
        throw new LambdaError('Lambda.Unknown', 'The sandbox stopped before the invocation began', fn.name);
      }
      const id = randomUUID();
      const timeoutMs = fn.timeoutSeconds * 1000;
      const invocation: Invocation = { id, startedAt: performance.now(), resolve, reject };
      invocation.timer = setTimeout(() => this.timedOut(pool, sandbox, invocation), timeoutMs);
      sandbox.current = invocation;
      // Sandboxes running an invocation now (a count kept apart would still include the one that just
      // answered, whose caller has not resumed yet).
      let running = 0;
      for (const other of pool.sandboxes) if (other.current) running += 1;
      stats.peakConcurrency = Math.max(stats.peakConcurrency, running);
      sandbox.worker.postMessage({
        id,
        // As JSON text, as Lambda receives it: the sandbox parses it (off the host's thread).
        event: JSON.stringify(event ?? null),
        requestId: id,
        deadline: Date.now() + timeoutMs,
      });
    });
  }

  /** Adds what a sandbox's thread used since its previous message to its function's `threadCpuMs`. */
  private countThreadCpu(pool: Pool, sandbox: Sandbox, threadCpuMs: number | undefined): void {
    if (threadCpuMs === undefined) return;
    this.statsOf(pool.fn.name).threadCpuMs += threadCpuMs - (sandbox.cpuSeenMs ?? 0);
    sandbox.cpuSeenMs = threadCpuMs;
  }

  private answered(pool: Pool, sandbox: Sandbox, message: InvocationMessage): void {
    const invocation = sandbox.current;
    if (!invocation || invocation.id !== message.id) return;
    clearTimeout(invocation.timer);
    const ran = performance.now() - invocation.startedAt;
    pool.recentRunMs = pool.recentRunMs === 0 ? ran : 0.9 * pool.recentRunMs + 0.1 * ran;
    const stats = this.statsOf(pool.fn.name);
    stats.invocations += 1;
    stats.handlerMs += message.ms;
    stats.cpuMs += message.cpuMs ?? 0;
    this.countThreadCpu(pool, sandbox, message.threadCpuMs);
    this.release(pool, sandbox);
    if (message.ok) invocation.resolve(JSON.parse(message.result ?? 'null'));
    else {
      stats.errors += 1;
      const error = message.error ?? { name: 'Error', message: 'unknown error' };
      invocation.reject(new LambdaError(error.name, error.message, pool.fn.name, error.stack));
    }
  }

  /** The invocation ran past the function's timeout: it fails as on Lambda and its sandbox is terminated. */
  private timedOut(pool: Pool, sandbox: Sandbox, invocation: Invocation): void {
    if (sandbox.current !== invocation) return;
    sandbox.current = undefined;
    const { fn } = pool;
    const stats = this.statsOf(fn.name);
    stats.invocations += 1;
    stats.errors += 1;
    stats.timeouts += 1;
    const message = `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`;
    this.onLog(`[${fn.logicalId}] ${invocation.id} ${message}; its sandbox is stopped`);
    invocation.reject(new LambdaError('Sandbox.Timedout', message, fn.name));
    this.discard(pool, sandbox);
    this.dispatch(pool);
  }

  /** The worker died on its own (an uncaught error, out of memory, process.exit). */
  private lost(pool: Pool, sandbox: Sandbox, message: string): void {
    if (sandbox.gone) return;
    const error = new LambdaError('Lambda.Unknown', message, pool.fn.name);
    if (!sandbox.ready) {
      this.initFailed(pool, sandbox, error);
      return;
    }
    const invocation = sandbox.current;
    sandbox.current = undefined;
    if (invocation) {
      clearTimeout(invocation.timer);
      const stats = this.statsOf(pool.fn.name);
      stats.invocations += 1;
      stats.errors += 1;
      invocation.reject(error);
    }
    this.discard(pool, sandbox);
    this.dispatch(pool);
  }

  private forwardLogs(fn: LocalFunction, stream: NodeJS.ReadableStream): void {
    let buffer = '';
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        this.onLog(`[${fn.logicalId}] ${buffer.slice(0, newline)}`);
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
      }
    });
    stream.on('end', () => {
      if (buffer) this.onLog(`[${fn.logicalId}] ${buffer}`);
      buffer = '';
    });
  }

  private statsOf(name: string): FunctionStats {
    let stats = this.stats.get(name);
    if (!stats) {
      stats = emptyStats();
      this.stats.set(name, stats);
    }
    return stats;
  }
}

type InvocationMessage = {
  type?: undefined;
  id: string;
  ok: boolean;
  /** The handler's result as JSON text (what Lambda returns to its caller). */
  result?: string;
  error?: { name: string; message: string; stack?: string };
  ms: number;
  /** The sandbox thread's CPU time over the invocation (ms), where the platform tells it. */
  cpuMs?: number;
  /** The sandbox thread's CPU time since it started (ms), where the platform tells it. */
  threadCpuMs?: number;
};
type WorkerMessage =
  | { type: 'ready'; initMs: number; threadCpuMs?: number }
  | { type: 'init-error'; error: { name: string; message: string; stack?: string } }
  | InvocationMessage;

export function bundleFile(
  assemblyDir: string,
  assetPath: string,
  handler: string,
): { file: string; handlerName: string } {
  const [base = 'index', handlerName = 'handler'] = handler.split('.');
  const dir = join(assemblyDir, assetPath);
  const file = ['.mjs', '.js', '.cjs'].map((ext) => join(dir, `${base}${ext}`)).find((f) => existsSync(f));
  return { file: file ?? join(dir, `${base}.mjs`), handlerName };
}
