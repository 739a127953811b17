// Runs one Lambda bundle in a worker thread with its own process.env (the template's environment).
// Messages in: { id, event, requestId, deadline }. Messages out: { id, ok, result | error, ms }.

import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

process.setSourceMapsEnabled?.(true);
const { file, handlerName, functionName, memorySize } = workerData;
const started = performance.now();
const loaded = import(pathToFileURL(file).href).then((mod) => {
  const handler = mod[handlerName];
  if (typeof handler !== 'function') throw new Error(`${file} exports no function "${handlerName}"`);
  return { handler, initMs: performance.now() - started };
});

parentPort.on('message', async ({ id, event, requestId, deadline }) => {
  const t0 = performance.now();
  try {
    const { handler, initMs } = await loaded;
    const context = {
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
      memoryLimitInMB: String(memorySize),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done() {},
      fail() {},
      succeed() {},
    };
    const result = await handler(event, context);
    parentPort.postMessage({
      id,
      ok: true,
      result: result === undefined ? null : result,
      ms: performance.now() - t0,
      initMs,
    });
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    parentPort.postMessage({
      id,
      ok: false,
      error: { name: err.name || 'Error', message: err.message, stack: err.stack },
      ms: performance.now() - t0,
    });
  }
});
