/**
 * Validation speed on realistic large inputs: a 2 MB DOCX (text plus photos) and a 30-page PDF, compared with
 * plain text extraction of the same files by mammoth (extractRawText) and unpdf (extractText).
 * Medians of repeated runs. Run alone with `npx tsx bench/validation.ts`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mammoth from 'mammoth';
import { extractText } from 'unpdf';
import { loadProfile } from '../functions/lib/adapters/profile-file';
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
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const results = await benchValidation();
  const width = Math.max(...results.map((r) => r.name.length));
  for (const r of results) {
    console.log(
      `${r.name.padEnd(width)}  ${String(r.value).padStart(9)} ${r.unit.padEnd(3)} ${r.note ?? ''}`,
    );
  }
}
