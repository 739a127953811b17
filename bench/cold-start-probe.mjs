// Runs in a fresh Node process: imports one Lambda bundle and makes its first call, then prints the timings as
// one JSON line. argv: <bundle file> <handler export> <event JSON>. The AWS endpoints point at a closed port on
// 127.0.0.1 with one attempt, so the first SDK call fails at once without leaving the machine.
import { pathToFileURL } from 'node:url';

const [file, handlerName = 'handler', eventJson = '{}'] = process.argv.slice(2);
const started = performance.now();
const cpuBefore = process.cpuUsage();
const mod = await import(pathToFileURL(file).href);
const imported = performance.now();
// CPU time of the import (user + system): what the import costs, much less moved by other load on the machine.
const cpu = process.cpuUsage(cpuBefore);
const handler = mod[handlerName];
let outcome = 'ok';
try {
  await handler(JSON.parse(eventJson), {
    functionName: 'bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
    memoryLimitInMB: '512',
    awsRequestId: 'bench-request',
    logGroupName: '/aws/lambda/bench',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
  });
} catch (error) {
  outcome = `${error?.name ?? 'Error'}: ${String(error?.message ?? error).slice(0, 80)}`;
}
const called = performance.now();
process.stdout.write(
  `${JSON.stringify({ bootMs: started, importMs: imported - started, importCpuMs: (cpu.user + cpu.system) / 1000, firstCallMs: called - imported, outcome })}\n`,
);
process.exit(0);
