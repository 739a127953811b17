// One Lambda sandbox: runs one bundle in a worker thread with its own process.env (the template's environment),
// one invocation at a time (the host sends the next only after this one answered).
// Messages out: { type: 'ready', initMs, threadCpuMs } or { type: 'init-error', error } once the module is loaded,
// then { id, ok, result | error, ms, cpuMs, threadCpuMs } per invocation (cpuMs: the invocation's CPU time;
// threadCpuMs: the thread's since it started). Messages in: { id, event, requestId, deadline }.
// The event and the result travel as JSON text, as they do to and from Lambda: a result that JSON cannot represent
// fails the invocation, and whatever JSON does not carry (a Date's type, undefined fields) is lost as on Lambda.

import { readFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

process.setSourceMapsEnabled?.(true);
const { file, handlerName, functionName, memorySize, logStreamName, nice } = workerData;
// A lower CPU priority for this sandbox's thread alone (Linux keeps a nice value per thread), so the emulators the
// handlers wait on (DynamoDB Local's single SQLite thread, the host's main thread) are not starved by sandboxes.
if (nice) {
  try {
    setPriority(Math.min(19, getPriority() + nice));
  } catch {
    // Not allowed here: the sandbox runs at the host's priority.
  }
}
const started = performance.now();
// This thread's CPU time (ms) so far, from the scheduler's own account (Linux); undefined elsewhere. The host
// sums it per function: what each handler costs in CPU, apart from the time it waits on emulators.
const threadCpuMs = () => {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
};

const asError = (error) => {
  const err = error instanceof Error ? error : new Error(String(error));
  return { name: err.name || 'Error', message: err.message, stack: err.stack };
};

const loaded = import(pathToFileURL(file).href).then((mod) => {
  const handler = mod[handlerName];
  if (typeof handler !== 'function') {
    const error = new Error(`${file} exports no function "${handlerName}"`);
    error.name = 'Runtime.HandlerNotFound';
    throw error;
  }
  return handler;
});
loaded.then(
  () =>
    parentPort.postMessage({
      type: 'ready',
      initMs: performance.now() - started,
      threadCpuMs: threadCpuMs(),
    }),
  (error) => parentPort.postMessage({ type: 'init-error', error: asError(error) }),
);

parentPort.on('message', async ({ id, event, requestId, deadline }) => {
  const t0 = performance.now();
  const cpu0 = threadCpuMs();
  // The invocation's CPU time and the thread's since it started, from one read at the end.
  const cpu = () => {
    const now = threadCpuMs();
    return { cpuMs: cpu0 === undefined || now === undefined ? undefined : now - cpu0, threadCpuMs: now };
  };
  try {
    const handler = await loaded;
    const context = {
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
      memoryLimitInMB: String(memorySize),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done() {},
      fail() {},
      succeed() {},
    };
    const result = await handler(JSON.parse(event), context);
    parentPort.postMessage({
      id,
      ok: true,
      result: JSON.stringify(result === undefined ? null : result),
      ms: performance.now() - t0,
      ...cpu(),
    });
  } catch (error) {
    parentPort.postMessage({
      id,
      ok: false,
      error: asError(error),
      ms: performance.now() - t0,
      ...cpu(),
    });
  }
});
