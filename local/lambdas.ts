/**
 * Runs the synthesized Lambda bundles in process, each in its own worker thread with the environment the
 * template gives it (plus the local endpoints), like one Lambda sandbox per function.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
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
  invocations: number;
  errors: number;
  /** Sum of the handlers' own time (ms), measured inside the worker. */
  handlerMs: number;
  initMs: number;
}

/** A test hook run before each invocation; throwing makes that invocation fail as a crashed sandbox would. */
export type BeforeInvoke = (fn: LocalFunction, event: unknown) => void | Promise<void>;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

const WORKER_FILE = fileURLToPath(new URL('./lambda-worker.mjs', import.meta.url));

export class LambdaHost {
  private readonly workers = new Map<string, { worker: Worker; pending: Map<string, Pending> }>();
  readonly stats = new Map<string, InvocationStats>();
  private readonly byArn = new Map<string, LocalFunction>();

  constructor(
    functions: LocalFunction[],
    private readonly sharedEnv: Record<string, string>,
    private readonly onLog: (line: string) => void = () => {},
    private readonly beforeInvoke?: BeforeInvoke,
  ) {
    for (const fn of functions) this.byArn.set(fn.name, fn);
  }

  functions(): LocalFunction[] {
    return [...this.byArn.values()];
  }

  /** Finds a function by name, ARN or logical id. */
  find(nameOrArn: string): LocalFunction | undefined {
    const name = nameOrArn.startsWith('arn:') ? (nameOrArn.split(':')[6] ?? '') : nameOrArn;
    return this.byArn.get(name) ?? [...this.byArn.values()].find((fn) => fn.logicalId === nameOrArn);
  }

  private start(fn: LocalFunction) {
    const existing = this.workers.get(fn.name);
    if (existing) return existing;
    if (!existsSync(fn.file)) throw new Error(`Bundle of ${fn.logicalId} not found: ${fn.file}`);
    const worker = new Worker(WORKER_FILE, {
      workerData: {
        file: fn.file,
        handlerName: fn.handlerName,
        functionName: fn.name,
        memorySize: fn.memorySize,
      },
      env: { ...fn.environment, ...this.sharedEnv, AWS_LAMBDA_FUNCTION_NAME: fn.name },
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: Math.max(256, fn.memorySize) },
    });
    const pending = new Map<string, Pending>();
    const forward = (stream: NodeJS.ReadableStream) => {
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
    };
    forward(worker.stdout);
    forward(worker.stderr);
    worker.on(
      'message',
      (message: {
        id: string;
        ok: boolean;
        result?: unknown;
        error?: { name: string; message: string; stack?: string };
        ms: number;
        initMs?: number;
      }) => {
        const entry = pending.get(message.id);
        if (!entry) return;
        pending.delete(message.id);
        clearTimeout(entry.timer);
        const stats = this.statsOf(fn.name);
        stats.invocations += 1;
        stats.handlerMs += message.ms;
        if (message.initMs && stats.initMs === 0) stats.initMs = message.initMs;
        if (message.ok) entry.resolve(message.result);
        else {
          stats.errors += 1;
          const error = message.error ?? { name: 'Error', message: 'unknown error' };
          entry.reject(new LambdaError(error.name, error.message, fn.name, error.stack));
        }
      },
    );
    worker.on('error', (error) => {
      for (const entry of pending.values()) {
        clearTimeout(entry.timer);
        entry.reject(new LambdaError('Lambda.Unknown', `The function crashed: ${error.message}`, fn.name));
      }
      pending.clear();
      this.workers.delete(fn.name);
    });
    const started = { worker, pending };
    this.workers.set(fn.name, started);
    return started;
  }

  private statsOf(name: string): InvocationStats {
    let stats = this.stats.get(name);
    if (!stats) {
      stats = { invocations: 0, errors: 0, handlerMs: 0, initMs: 0 };
      this.stats.set(name, stats);
    }
    return stats;
  }

  /** Invokes a function with an event; rejects with a LambdaError named like the handler's error. */
  async invoke(nameOrArn: string, event: unknown): Promise<unknown> {
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
    return this.send(fn, event);
  }

  private send(fn: LocalFunction, event: unknown): Promise<unknown> {
    const { worker, pending } = this.start(fn);
    const id = randomUUID();
    const timeoutMs = fn.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(
          new LambdaError('Sandbox.Timedout', `Task timed out after ${fn.timeoutSeconds} seconds`, fn.name),
        );
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      worker.postMessage({
        id,
        event: JSON.parse(JSON.stringify(event ?? null)),
        requestId: id,
        deadline: Date.now() + timeoutMs,
      });
    });
  }

  async stop(): Promise<void> {
    const all = [...this.workers.values()];
    this.workers.clear();
    for (const { pending } of all) {
      for (const entry of pending.values()) {
        clearTimeout(entry.timer);
        entry.reject(new LambdaError('Lambda.Unknown', 'The local runtime stopped', 'local'));
      }
      pending.clear();
    }
    await Promise.all(all.map(({ worker }) => worker.terminate()));
  }
}

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
