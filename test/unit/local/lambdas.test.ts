/**
 * The local Lambda host runs each function in a pool of sandboxes (worker threads), one invocation per sandbox at
 * a time, and stops an invocation at the function's timeout by terminating its sandbox. These tests drive it with
 * a tiny handler (test/fixtures/lambda/sandbox.mjs) instead of the synthesized bundles.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LambdaError,
  LambdaHost,
  type LocalFunction,
  SANDBOX_NICE,
  sandboxExecArgv,
  THROTTLE_ERROR,
} from '../../../local/lambdas';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/lambda/${name}`, import.meta.url));

function fn(overrides: Partial<LocalFunction> = {}): LocalFunction {
  return {
    name: 'local-Sandbox',
    logicalId: 'Sandbox',
    file: fixture('sandbox.mjs'),
    handlerName: 'handler',
    environment: { FIXTURE_VALUE: 'from the template' },
    timeoutSeconds: 5,
    memorySize: 128,
    ...overrides,
  };
}

interface Answer {
  sandbox: number;
  invocations: number;
  overlapping: number;
  requestId: string;
  remainingMs: number;
  met?: boolean;
  env: string;
  started: number;
}

let host: LambdaHost | undefined;
const logs: string[] = [];
function start(functions: LocalFunction[], maxConcurrency?: number): LambdaHost {
  host = new LambdaHost(functions, { SHARED: 'yes' }, { maxConcurrency, onLog: (line) => logs.push(line) });
  return host;
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

afterEach(async () => {
  await host?.stop();
  host = undefined;
  logs.length = 0;
});

describe('the local Lambda sandboxes', () => {
  it('runs two concurrent invocations of one function in two sandboxes, each alone in its sandbox', async () => {
    const lambdas = start([fn({ timeoutSeconds: 30 })]);
    // Each waits until the other runs at the same time: only possible in two sandboxes.
    const [a, b] = (await Promise.all([
      lambdas.invoke('local-Sandbox', { meet: 'two-sandboxes' }),
      lambdas.invoke('local-Sandbox', { meet: 'two-sandboxes' }),
    ])) as Answer[];
    expect([a?.met, b?.met]).toEqual([true, true]);
    expect(a?.sandbox).not.toBe(b?.sandbox);
    expect([a?.overlapping, b?.overlapping]).toEqual([0, 0]);
    expect([a?.invocations, b?.invocations]).toEqual([1, 1]);
    expect(a?.requestId).not.toBe(b?.requestId);
    expect(a?.env).toBe('from the template');
    expect(lambdas.sandboxes('Sandbox')).toEqual({ total: 2, busy: 0, idle: 2, starting: 0, waiting: 0 });
    // A later invocation reuses a warm sandbox: its module state carries over, as on Lambda.
    const c = (await lambdas.invoke('local-Sandbox', {})) as Answer;
    expect([a?.sandbox, b?.sandbox]).toContain(c.sandbox);
    expect(c.invocations).toBe(2);
    expect(lambdas.stats.get('local-Sandbox')).toMatchObject({
      invocations: 3,
      errors: 0,
      coldStarts: 2,
      peakConcurrency: 2,
    });
  }, 30_000);

  it('keeps a function within its concurrency: further invocations wait for a free sandbox', async () => {
    const lambdas = start([fn()], 1);
    const answers = (await Promise.all(
      [0, 1, 2].map(() => lambdas.invoke('local-Sandbox', { sleepMs: 150 })),
    )) as Answer[];
    expect(new Set(answers.map((a) => a.sandbox)).size).toBe(1);
    expect(answers.map((a) => a.overlapping)).toEqual([0, 0, 0]);
    expect(answers.map((a) => a.invocations).sort()).toEqual([1, 2, 3]);
    const starts = answers.map((a) => a.started).sort((x, y) => x - y);
    expect((starts[1] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(140);
    expect((starts[2] ?? 0) - (starts[1] ?? 0)).toBeGreaterThanOrEqual(140);
  });

  it('answers a throttling caller (Step Functions) at its limit with Lambda.TooManyRequestsException', async () => {
    const lambdas = start([fn()], 1);
    const running = lambdas.invoke('local-Sandbox', { sleepMs: 400 }, { atLimit: 'throttle' });
    await until(() => lambdas.sandboxes('local-Sandbox').busy === 1);
    // One invocation per sandbox may wait in line; the next throttling caller is refused at once.
    const inLine = lambdas.invoke('local-Sandbox', { sleepMs: 10 }, { atLimit: 'throttle' });
    const refusedAt = Date.now();
    const refused = lambdas.invoke('local-Sandbox', {}, { atLimit: 'throttle' });
    await expect(refused).rejects.toBeInstanceOf(LambdaError);
    await expect(refused).rejects.toMatchObject({ name: THROTTLE_ERROR, message: /Rate Exceeded/ });
    expect(Date.now() - refusedAt).toBeLessThan(200);
    // A caller that waits (the SQS poller, the HTTP API) is never refused: it runs once a sandbox is free.
    const waiting = lambdas.invoke('local-Sandbox', { sleepMs: 10 }, { atLimit: 'wait' });
    expect(lambdas.sandboxes('local-Sandbox')).toMatchObject({ total: 1, busy: 1, waiting: 2 });
    const answers = (await Promise.all([running, inLine, waiting])) as Answer[];
    expect(answers.map((a) => a.invocations)).toEqual([1, 2, 3]);
    expect(lambdas.stats.get('local-Sandbox')).toMatchObject({ invocations: 3, errors: 0, throttles: 1 });
    // With a free sandbox again, a throttling caller runs.
    await expect(lambdas.invoke('local-Sandbox', {}, { atLimit: 'throttle' })).resolves.toMatchObject({
      invocations: 4,
    });
  });

  it('refuses a throttling caller as soon as every sandbox is busy when the line is off (as Lambda does)', async () => {
    host = new LambdaHost([fn()], {}, { maxConcurrency: 1, throttleLinePerSandbox: 0, maxLineWaitMs: 0 });
    const lambdas = host;
    const running = lambdas.invoke('local-Sandbox', { sleepMs: 300 });
    await until(() => lambdas.sandboxes('local-Sandbox').busy === 1);
    await expect(lambdas.invoke('local-Sandbox', {}, { atLimit: 'throttle' })).rejects.toMatchObject({
      name: THROTTLE_ERROR,
    });
    await running;
    expect(lambdas.stats.get('local-Sandbox')).toMatchObject({ invocations: 1, throttles: 1 });
  });

  it('lets a throttling caller wait in line only while its expected wait is within the bound', async () => {
    host = new LambdaHost([fn()], {}, { maxConcurrency: 1, throttleLinePerSandbox: 0, maxLineWaitMs: 1_000 });
    const lambdas = host;
    // One invocation teaches the host how long this function takes (about 300 ms).
    await lambdas.invoke('local-Sandbox', { sleepMs: 300 });
    const running = lambdas.invoke('local-Sandbox', { sleepMs: 300 });
    await until(() => lambdas.sandboxes('local-Sandbox').busy === 1);
    // The caller's own bound (a quarter of its task's timeout) applies as well.
    await expect(
      lambdas.invoke('local-Sandbox', {}, { atLimit: 'throttle', maxWaitMs: 100 }),
    ).rejects.toMatchObject({ name: THROTTLE_ERROR });
    const callers = Array.from({ length: 8 }, () =>
      lambdas.invoke('local-Sandbox', { sleepMs: 300 }, { atLimit: 'throttle' }),
    );
    const outcomes = await Promise.allSettled([running, ...callers]);
    const joined = outcomes.slice(1).filter((o) => o.status === 'fulfilled').length;
    // About 1,000 ms / 300 ms of line: the first few wait their turn, the rest are refused at once.
    expect(joined).toBeGreaterThanOrEqual(1);
    expect(joined).toBeLessThanOrEqual(3);
    for (const o of outcomes.slice(1 + joined)) {
      expect(o.status).toBe('rejected');
      expect((o as PromiseRejectedResult).reason).toMatchObject({ name: THROTTLE_ERROR });
    }
    expect(lambdas.stats.get('local-Sandbox')?.throttles).toBe(1 + 8 - joined);
  }, 20_000);

  it("lowers the limit to the template's reserved concurrency", async () => {
    const lambdas = start([fn({ reservedConcurrency: 1, timeoutSeconds: 30 })], 4);
    const answers = (await Promise.all(
      [0, 1].map(() => lambdas.invoke('local-Sandbox', { meet: 'reserved', waitMs: 300 })),
    )) as Answer[];
    expect(answers.map((a) => a.met)).toEqual([false, false]);
    expect(answers[0]?.sandbox).toBe(answers[1]?.sandbox);
  });

  it('stops an invocation past its timeout with Sandbox.Timedout and leaves the other sandboxes running', async () => {
    const lambdas = start([fn({ timeoutSeconds: 0.5 })], 2);
    const started = Date.now();
    // The first takes the first sandbox and never yields; the second can only run in a second sandbox.
    const spinning = lambdas.invoke('local-Sandbox', { spin: true });
    const neighbour = lambdas.invoke('local-Sandbox', { sleepMs: 100 });
    const [spun, other] = await Promise.allSettled([spinning, neighbour]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(spun.status).toBe('rejected');
    const error = (spun as PromiseRejectedResult).reason as LambdaError;
    expect(error).toBeInstanceOf(LambdaError);
    expect(error.name).toBe('Sandbox.Timedout');
    expect(error.message).toBe('Task timed out after 0.50 seconds');
    expect(logs.some((line) => line.includes('Task timed out after 0.50 seconds'))).toBe(true);
    expect(other.status).toBe('fulfilled');
    const survivor = (other as PromiseFulfilledResult<Answer>).value;
    // The runaway sandbox is gone; the next invocation runs on the survivor.
    expect(lambdas.sandboxes('local-Sandbox')).toMatchObject({ total: 1, idle: 1 });
    const next = (await lambdas.invoke('local-Sandbox', {})) as Answer;
    expect(next.sandbox).toBe(survivor.sandbox);
    expect(next.invocations).toBe(2);
    expect(lambdas.stats.get('local-Sandbox')).toMatchObject({ timeouts: 1, errors: 1, coldStarts: 2 });
  }, 30_000);

  it('replaces a timed-out sandbox with a fresh one for the next invocation', async () => {
    const lambdas = start([fn({ timeoutSeconds: 0.5 })], 1);
    await expect(lambdas.invoke('local-Sandbox', { spin: true })).rejects.toMatchObject({
      name: 'Sandbox.Timedout',
    });
    const next = (await lambdas.invoke('local-Sandbox', {})) as Answer;
    expect(next.invocations).toBe(1);
    expect(lambdas.stats.get('local-Sandbox')).toMatchObject({ timeouts: 1, coldStarts: 2, invocations: 2 });
  }, 30_000);

  it('gives the handler the time left before its timeout', async () => {
    const lambdas = start([fn({ timeoutSeconds: 2 })]);
    const answer = (await lambdas.invoke('local-Sandbox', {})) as Answer;
    expect(answer.remainingMs).toBeGreaterThan(1_000);
    expect(answer.remainingMs).toBeLessThanOrEqual(2_000);
  });

  it("reports the handler's error by its name and keeps the sandbox warm", async () => {
    const lambdas = start([fn()]);
    const failed = lambdas.invoke('local-Sandbox', { fail: true });
    await expect(failed).rejects.toMatchObject({ name: 'HandlerFailed', message: 'the handler failed' });
    const after = (await lambdas.invoke('local-Sandbox', {})) as Answer;
    expect(after.invocations).toBe(2);
  });

  it('fails the invocation of a sandbox that dies under it with Lambda.Unknown, and replaces the sandbox', async () => {
    const lambdas = start([fn()]);
    await expect(lambdas.invoke('local-Sandbox', { crash: true })).rejects.toMatchObject({
      name: 'Lambda.Unknown',
    });
    const after = (await lambdas.invoke('local-Sandbox', {})) as Answer;
    expect(after.invocations).toBe(1);
  });

  it('fails each invocation of a bundle whose init fails with the init error', async () => {
    const lambdas = start([
      fn({ name: 'local-Broken', logicalId: 'Broken', file: fixture('broken-init.mjs') }),
      fn({ name: 'local-NoHandler', logicalId: 'NoHandler', handlerName: 'notAFunction' }),
    ]);
    await expect(lambdas.invoke('Broken', {})).rejects.toMatchObject({ name: 'InitFailed' });
    await expect(lambdas.invoke('Broken', {})).rejects.toMatchObject({ name: 'InitFailed' });
    await expect(lambdas.invoke('NoHandler', {})).rejects.toMatchObject({ name: 'Runtime.HandlerNotFound' });
    await expect(lambdas.invoke('nothing-here', {})).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('stop() ends running and waiting invocations and terminates every sandbox', async () => {
    const lambdas = start([fn({ timeoutSeconds: 60 })], 2);
    const invocations = [0, 1, 2].map((i) =>
      lambdas.invoke('local-Sandbox', i === 0 ? { spin: true } : { sleepMs: 30_000 }),
    );
    for (const invocation of invocations) invocation.catch(() => {});
    await until(() => lambdas.sandboxes('local-Sandbox').busy === 2);
    expect(lambdas.sandboxes('local-Sandbox')).toMatchObject({ total: 2, busy: 2, waiting: 1 });
    const started = Date.now();
    await lambdas.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    const outcomes = await Promise.allSettled(invocations);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(lambdas.sandboxes('local-Sandbox')).toMatchObject({ total: 0, waiting: 0 });
    await expect(lambdas.invoke('local-Sandbox', {})).rejects.toThrow('The local runtime stopped');
  }, 20_000);
});

/** The nice value of each thread of this process (Linux: /proc keeps one per thread). */
function threadNices(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe("a sandbox's CPU priority", () => {
  it.runIf(process.platform === 'linux')(
    "is lower than the host's for the sandbox's thread only, so the emulators it waits on go first",
    async () => {
      const own = getPriority();
      expect(SANDBOX_NICE).toBe(10);
      const lambdas = start([fn()], 1);
      await lambdas.invoke('local-Sandbox', {});
      const nices = threadNices();
      expect(nices.filter((n) => n === Math.min(19, own + SANDBOX_NICE)).length).toBeGreaterThanOrEqual(1);
      // The host's own thread keeps its priority.
      expect(getPriority()).toBe(own);
    },
  );
});

describe("a function's CPU time", () => {
  it.runIf(process.platform === 'linux')(
    "counts each invocation's CPU apart from the time it waits, and the sandbox thread's in all",
    async () => {
      const lambdas = start([fn()], 1);
      await lambdas.invoke('local-Sandbox', { sleepMs: 300 });
      await lambdas.invoke('local-Sandbox', { busyMs: 150 });
      const stats = lambdas.stats.get('local-Sandbox');
      if (!stats) throw new Error('no stats');
      expect(stats.handlerMs).toBeGreaterThanOrEqual(450);
      // The busy loop's 150 ms of CPU, the sleep's next to nothing.
      expect(stats.cpuMs).toBeGreaterThanOrEqual(150);
      expect(stats.cpuMs).toBeLessThan(400);
      // The thread in all: its init too, so at least what the invocations took.
      expect(stats.threadCpuMs).toBeGreaterThanOrEqual(stats.cpuMs);
    },
  );
});

describe('an invocation, as Lambda passes it', () => {
  it('gives the handler its event as parsed JSON and returns its result as JSON would carry it', async () => {
    const lambdas = start([fn({ file: fixture('echo.mjs') })]);
    const answer = await lambdas.invoke('local-Sandbox', { at: new Date(0), gone: undefined, n: 1 });
    expect(answer).toStrictEqual({
      event: { at: '1970-01-01T00:00:00.000Z', n: 1 },
      typeOfAt: 'string',
      at: '1970-01-01T00:00:00.000Z',
    });
  });
});

describe("a sandbox's Node options", () => {
  it("leave out the host's preloads and module loaders (a TypeScript loader) and keep the rest", () => {
    const host = [
      '--require',
      '/repo/node_modules/tsx/dist/preflight.cjs',
      '--import',
      'file:///repo/node_modules/tsx/dist/loader.mjs',
      '--enable-source-maps',
      '-r',
      './setup.cjs',
      '--loader=ts-node/esm',
      '--experimental-loader',
      'other.mjs',
      '--import=./hooks.mjs',
      '--conditions',
      'development',
      '--cpu-prof',
    ];
    expect(sandboxExecArgv(host)).toEqual([
      '--enable-source-maps',
      '--conditions',
      'development',
      '--cpu-prof',
    ]);
  });

  it('are empty when the host has none', () => {
    expect(sandboxExecArgv([])).toEqual([]);
  });
});
