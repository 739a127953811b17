/**
 * Validation speed on realistic large inputs: a 2 MB DOCX (text plus photos) and a 30-page PDF, compared with
 * plain text extraction of the same files by mammoth (extractRawText) and unpdf (extractText).
 * Medians of repeated runs. Then each hostile file of test/fixtures/attacks, validated once in a fresh process:
 * wall time of the validation and the process's peak resident memory (a file still running after
 * BENCH_ATTACK_LIMIT_S seconds, default 120, is stopped and reported as such).
 * Run alone with `npx tsx bench/validation.ts` (`npx tsx bench/validation.ts attacks` for the hostile files only).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mammoth from 'mammoth';
import { extractText } from 'unpdf';
import { loadProfile } from '../functions/lib/adapters/profile-file';
import { validateBounded } from '../functions/lib/sandbox/validation';
import { validateDocument } from '../functions/lib/validation';
import { makePng, readSource, renderDocx, renderPdf } from '../scripts/make-fixtures';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const RUNS = 15;
const WARMUP = 3;

async function median(run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

const pageCount = (pdf: Uint8Array) =>
  (
    Buffer.from(pdf)
      .toString('latin1')
      .match(/\/Type \/Page\b/g) ?? []
  ).length;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function benchValidation(): Promise<BenchResult[]> {
  const profile = loadProfile();
  const source = readSource(readFileSync(resolve(ROOT, 'test/fixtures/documents/umum.md'), 'utf8'));

  // A 2 MB DOCX: the Umum proposal with two photos (incompressible, as JPEG/PNG photos are).
  const docx = await renderDocx(source, {
    images: [makePng(1000, 1050, 'noise', 1), makePng(1000, 1050, 'noise', 2)],
  });
  // A 30-page PDF: the Umum proposal followed by appendix tables.
  const basePages = pageCount(await renderPdf(source));
  const pdf = await renderPdf(source, { appendixPages: 30 - basePages });
  const pages = pageCount(pdf);

  const checkDocx = await validateDocument(docx, profile);
  const checkPdf = await validateDocument(pdf, profile);
  if (!checkDocx.valid || !checkPdf.valid) throw new Error('the benchmark documents must validate clean');

  const validateDocx = await median(() => validateDocument(docx, profile));
  const mammothDocx = await median(() => mammoth.extractRawText({ buffer: Buffer.from(docx) }));
  const validatePdf = await median(() => validateDocument(pdf, profile));
  const unpdfPdf = await median(() => extractText(new Uint8Array(pdf), { mergePages: true }));

  const mb = round(docx.length / (1024 * 1024), 2);
  const attacks = await benchAttacks();
  return [
    {
      name: 'validation.docx.validate',
      value: round(validateDocx),
      unit: 'ms',
      note: `${mb} MB DOCX, median of ${RUNS}`,
    },
    {
      name: 'validation.docx.mammothExtractRawText',
      value: round(mammothDocx),
      unit: 'ms',
      note: 'same file',
    },
    {
      name: 'validation.docx.ratio',
      value: round(validateDocx / mammothDocx, 2),
      unit: 'x',
      note: 'validate / mammoth.extractRawText',
    },
    {
      name: 'validation.pdf.validate',
      value: round(validatePdf),
      unit: 'ms',
      note: `${pages}-page PDF, median of ${RUNS}`,
    },
    { name: 'validation.pdf.unpdfExtractText', value: round(unpdfPdf), unit: 'ms', note: 'same file' },
    {
      name: 'validation.pdf.ratio',
      value: round(validatePdf / unpdfPdf, 2),
      unit: 'x',
      note: 'validate / unpdf extractText',
    },
    ...attacks,
  ];
}

const ATTACKS = resolve(ROOT, 'test/fixtures/attacks');

/** Peak resident memory of a running process in MB (VmHWM), when the system tells. */
function peakRssMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

interface AttackRun {
  ms?: number;
  peakMb?: number;
  verdict: string;
}

/** Validates one file in a child process (this file with `one <path>`), stopped after `limitMs`. */
function runAttack(file: string, limitMs: number): Promise<AttackRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'one', file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let peak: number | undefined;
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const poll = setInterval(() => {
      peak = peakRssMb(child.pid ?? 0) ?? peak;
    }, 100);
    const kill = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('exit', () => {
      clearInterval(poll);
      clearTimeout(kill);
      try {
        const result = JSON.parse(out) as { ms: number; peakMb: number; verdict: string };
        done({ ms: result.ms, peakMb: Math.max(result.peakMb, peak ?? 0), verdict: result.verdict });
      } catch {
        done({ ...(peak ? { peakMb: peak } : {}), verdict: `stopped after ${limitMs / 1000} s` });
      }
    });
  });
}

/**
 * The child side: validate the file as the Validate function does (validateBounded: a worker with a deadline and
 * a memory bound; the worker is started before the clock starts, as a warm function has it) and print time, peak
 * memory and verdict.
 */
async function validateOne(file: string): Promise<void> {
  const profile = loadProfile();
  const bytes = new Uint8Array(readFileSync(file));
  await validateBounded(new TextEncoder().encode('warm-up'), profile, { fileName: 'warm-up.txt' });
  const start = performance.now();
  const report = await validateBounded(bytes, profile, { fileName: file.split('/').pop() });
  const ms = performance.now() - start;
  const codes = report.issues.filter((i) => i.severity === 'error').map((i) => i.code);
  const verdict = report.valid ? 'valid' : `rejected: ${[...new Set(codes)].join(', ')}`;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ms, peakMb, verdict }));
}

export async function benchAttacks(): Promise<BenchResult[]> {
  const limitMs = Number(process.env.BENCH_ATTACK_LIMIT_S ?? 120) * 1000;
  const rows: BenchResult[] = [];
  for (const name of readdirSync(ATTACKS).sort()) {
    const run = await runAttack(resolve(ATTACKS, name), limitMs);
    const kb = round(readFileSync(resolve(ATTACKS, name)).length / 1024);
    rows.push({
      name: `validation.attack.${name}`,
      value: run.ms === undefined ? Number.NaN : round(run.ms, 0),
      unit: 'ms',
      note: `${kb} KB; peak ${run.peakMb === undefined ? '?' : round(run.peakMb, 0)} MB; ${run.verdict}`,
    });
  }
  return rows;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === 'one') {
    await validateOne(process.argv[3] ?? '');
    process.exit(0);
  }
  const results = process.argv[2] === 'attacks' ? await benchAttacks() : await benchValidation();
  const width = Math.max(...results.map((r) => r.name.length));
  for (const r of results) {
    console.log(
      `${r.name.padEnd(width)}  ${String(r.value).padStart(9)} ${r.unit.padEnd(3)} ${r.note ?? ''}`,
    );
  }
}
