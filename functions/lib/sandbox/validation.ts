/**
 * Validation of one file under a hard deadline and a memory bound. The file is read in a worker thread with V8
 * heap limits; a worker still busy at the deadline is terminated (which stops even a loop that never yields) and
 * one that runs out of heap dies alone. Either way the file gets a verdict: REJECTED as too complex to check,
 * never a crashed or timed-out function.
 *
 * The worker runs this very module: bundled, `import.meta.url` is the function's own bundle (the Lambda bundle
 * re-enters itself, so nothing else has to ship with it); from TypeScript sources (tests, scripts) the worker
 * loads this file through tsx. Inside the worker the module sees its marker in `workerData` and serves
 * validation requests instead of being a library.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import type { Profile } from '../profile';
import {
  rejectionReport,
  type ValidateOptions,
  type ValidationReport,
  validateDocument,
} from '../validation';

/** Wall time allowed to validate one file, from the moment the worker has it. */
export const DEFAULT_VALIDATION_DEADLINE_MS = 5_000;
/** Memory allowed to validate one file: the worker's V8 heap (old and young generations, code). */
export const DEFAULT_VALIDATION_MEMORY_MB = 512;
/** Time the worker has to start (load the bundle) before validation counts as failed (not the file's fault). */
const START_TIMEOUT_MS = 20_000;
/**
 * The budgets inside the worker end this long before the hard deadline, so that a slow file usually gets the
 * precise reason (PDF_TIMEOUT, DOCUMENT_TOO_COMPLEX from the parser) rather than the generic one.
 */
const SOFT_MARGIN_MS = 750;

const MARK = 'proposals:validation-sandbox';

export interface BoundedOptions extends Omit<ValidateOptions, 'clock' | 'pdfTimeoutMs' | 'timeBudgetMs'> {
  /** Hard deadline for the whole validation, in milliseconds (default 5000). */
  deadlineMs?: number;
  /** Memory bound of the worker, in MB (default 512). */
  memoryMb?: number;
}

interface Request {
  id: number;
  bytes: Uint8Array;
  profile: Profile;
  options: ValidateOptions;
}
type Reply = { id: number; ok: true; report: ValidationReport } | { id: number; ok: false; error: string };

// ------------------------------------------------------------------------------------------------------------
// Inside the worker.

function serve(): void {
  const port = parentPort;
  if (!port) return;
  port.on('message', async (request: Request) => {
    const options: ValidateOptions = { ...request.options, clock: () => performance.now() };
    let reply: Reply;
    try {
      reply = {
        id: request.id,
        ok: true,
        report: await validateDocument(request.bytes, request.profile, options),
      };
    } catch (error) {
      reply = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: true });
}

if ((workerData as Record<string, unknown> | null)?.[MARK] === true) serve();

// ------------------------------------------------------------------------------------------------------------
// In the caller.

/** How the worker is started: this module's own file, through tsx when it is TypeScript source. */
function workerSource(): { url: URL; execArgv?: string[] } {
  const url = new URL(import.meta.url);
  if (!/\.[cm]?ts$/.test(url.pathname)) return { url };
  const hasTsx = process.execArgv.some((arg) => arg.includes('tsx'));
  return { url, execArgv: hasTsx ? process.execArgv : [...process.execArgv, '--import', 'tsx'] };
}

interface Slot {
  worker: Worker;
  memoryMb: number;
  ready: Promise<void>;
}

/** One warm worker kept between calls (the next file skips the start-up); concurrent calls get their own. */
let idle: Slot | undefined;
let nextId = 1;

function startWorker(memoryMb: number): Slot {
  const { url, execArgv } = workerSource();
  const young = Math.max(8, Math.floor(memoryMb / 16));
  const worker = new Worker(url, {
    workerData: { [MARK]: true },
    ...(execArgv ? { execArgv } : {}),
    resourceLimits: {
      maxOldGenerationSizeMb: Math.max(32, memoryMb - young - 32),
      maxYoungGenerationSizeMb: young,
      codeRangeSizeMb: 16,
      stackSizeMb: 4,
    },
  });
  const slot: Slot = { worker, memoryMb, ready: Promise.resolve() };
  // A worker that dies while idle is forgotten; errors during a call are handled by the call.
  const forget = () => {
    if (idle === slot) idle = undefined;
  };
  worker.on('error', forget);
  worker.on('exit', forget);
  slot.ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('The validation worker did not start in time')),
      START_TIMEOUT_MS,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(new Error(`The validation worker could not start: ${error.message}`));
    };
    worker.once('error', fail);
    worker.once('message', () => {
      clearTimeout(timer);
      worker.off('error', fail);
      resolve();
    });
  });
  return slot;
}

function takeSlot(memoryMb: number): Slot {
  const slot = idle;
  idle = undefined;
  if (slot && slot.memoryMb === memoryMb) {
    slot.worker.ref();
    return slot;
  }
  if (slot) void slot.worker.terminate();
  return startWorker(memoryMb);
}

function release(slot: Slot): void {
  if (idle) {
    void slot.worker.terminate();
    return;
  }
  // An idle worker does not keep the process alive.
  slot.worker.unref();
  idle = slot;
}

/**
 * Validates one proposal file like validateDocument, within `deadlineMs` (default 5 s) and `memoryMb` (default
 * 512 MB). Never throws because of the file: a file that needs more gets a report with DOCUMENT_TOO_COMPLEX.
 * Throws only when the worker itself cannot start (a fault of the system, worth a retry).
 */
export async function validateBounded(
  bytes: Uint8Array,
  profile: Profile,
  options: BoundedOptions = {},
): Promise<ValidationReport> {
  const {
    deadlineMs = DEFAULT_VALIDATION_DEADLINE_MS,
    memoryMb = DEFAULT_VALIDATION_MEMORY_MB,
    ...rest
  } = options;
  const slot = takeSlot(memoryMb);
  try {
    await slot.ready;
  } catch (error) {
    void slot.worker.terminate();
    throw error;
  }
  const soft = Math.max(100, deadlineMs - SOFT_MARGIN_MS);
  const id = nextId++;
  const copy = new Uint8Array(bytes);
  const request: Request = {
    id,
    bytes: copy,
    profile,
    options: { ...rest, pdfTimeoutMs: soft, timeBudgetMs: soft },
  };
  const seconds = Math.round(deadlineMs / 10) / 100;

  return new Promise<ValidationReport>((resolve) => {
    const { worker } = slot;
    const finish = (report: ValidationReport, keep: boolean) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (keep) release(slot);
      else void worker.terminate();
      resolve(report);
    };
    const tooComplex = (detailId: string, detailEn: string) =>
      rejectionReport(bytes, 'DOCUMENT_TOO_COMPLEX', { detailId, detailEn });
    const onMessage = (reply: Reply) => {
      if (reply.id !== id) return;
      if (reply.ok) finish(reply.report, true);
      else finish(rejectionReport(bytes, 'FILE_CORRUPT', { detail: reply.error.slice(0, 120) }), false);
    };
    const onError = (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        finish(
          tooComplex(
            `memerlukan lebih dari ${memoryMb} MB memori`,
            `it needs more than ${memoryMb} MB of memory`,
          ),
          false,
        );
      } else finish(rejectionReport(bytes, 'FILE_CORRUPT', { detail: error.message.slice(0, 120) }), false);
    };
    const onExit = (code: number) =>
      finish(rejectionReport(bytes, 'FILE_CORRUPT', { detail: `the reader stopped (${code})` }), false);
    const timer = setTimeout(
      () =>
        finish(
          tooComplex(
            `tidak dapat diperiksa dalam ${seconds} detik`,
            `it cannot be checked within ${seconds} seconds`,
          ),
          false,
        ),
      deadlineMs,
    );
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(request, [copy.buffer]);
  });
}
