/**
 * PDF text extraction with unpdf (PDF.js), bounded by a time budget and a page limit. unpdf is imported when the
 * first PDF arrives, not with the module: it is most of the Validate bundle, and a Markdown or DOCX proposal never
 * needs it (the Lambda bundle keeps it as a module of its own, see infra/constructs/lambda.ts).
 */
import { DocumentRejected } from './errors';
import { DEFAULT_PDF_LIMITS, type PdfLimits, scanPdf } from './pdf-scan';
import type { Block } from './types';

export const MAX_PDF_PAGES = 300;
/** Fewer letters than this in the whole PDF means there is no usable text layer (a scan). */
const MIN_LETTERS = 40;

interface Line {
  text: string;
  size: number;
}

interface TextItemLike {
  str?: string;
  transform?: number[];
  height?: number;
  hasEOL?: boolean;
}

function linesOfPage(items: TextItemLike[]): Line[] {
  const lines: Line[] = [];
  let text = '';
  let size = 0;
  let y: number | undefined;
  const flush = () => {
    const clean = text.replace(/\s+/g, ' ').trim();
    if (clean) lines.push({ text: clean, size });
    text = '';
    size = 0;
    y = undefined;
  };
  for (const item of items) {
    if (typeof item.str !== 'string') continue;
    const t = item.transform ?? [];
    const itemY = t[5] ?? 0;
    const itemSize = Math.hypot(t[2] ?? 0, t[3] ?? 0) || item.height || 0;
    if (item.str && y !== undefined && Math.abs(itemY - y) > Math.max(2, itemSize * 0.5)) flush();
    if (item.str) {
      text += item.str;
      size = Math.max(size, itemSize);
      y ??= itemY;
    }
    if (item.hasEOL) flush();
  }
  flush();
  return lines;
}

/** A word hyphenated across a line break ("masing-" + "masing") is one word: join such lines. */
function joinHyphenated(lines: Line[]): Line[] {
  const out: Line[] = [];
  for (const line of lines) {
    const prev = out[out.length - 1];
    if (prev && prev.size === line.size && /\p{L}-$/u.test(prev.text) && /^\p{L}/u.test(line.text)) {
      prev.text += line.text;
    } else out.push({ ...line });
  }
  return out;
}

/** Lines set clearly larger than the body text become headings (level 1 or 2 by size). */
function toBlocks(lines: Line[]): Block[] {
  const sizes: number[] = [];
  for (const line of lines) for (let i = 0; i < Math.min(line.text.length, 200); i++) sizes.push(line.size);
  sizes.sort((a, b) => a - b);
  const body = sizes[Math.floor(sizes.length / 2)] ?? 0;
  return lines.map((line): Block => {
    const words = line.text.split(/\s+/).length;
    if (body > 0 && line.size >= body * 1.25 && words <= 15) {
      return { kind: 'heading', text: line.text, level: line.size >= body * 1.6 ? 1 : 2 };
    }
    return { kind: 'paragraph', text: line.text };
  });
}

interface TextContentReader {
  read(): Promise<{ done: boolean; value?: { items: TextItemLike[] } }>;
  cancel(reason?: unknown): Promise<void>;
}
interface PageLike {
  streamTextContent(): { getReader(): TextContentReader };
  cleanup(): void;
}

/**
 * The text items of a page, read chunk by chunk so that the deadline is checked inside the page too (one page
 * can hold millions of operators).
 */
async function pageItems(
  page: PageLike,
  expired: () => boolean,
  onTimeout: () => Error,
): Promise<TextItemLike[]> {
  const reader = page.streamTextContent().getReader();
  const items: TextItemLike[] = [];
  for (;;) {
    if (expired()) {
      await reader.cancel().catch(() => undefined);
      throw onTimeout();
    }
    const { done, value } = await reader.read();
    if (done) return items;
    for (const item of value?.items ?? []) items.push(item);
  }
}

/**
 * Reads the text of a PDF. The raw file is scanned first (active content refused, decoded bytes and operators
 * capped); PDF.js then reads page by page, and the time budget is checked between pages and inside each page.
 */
export async function parsePdf(
  bytes: Uint8Array,
  timeoutMs: number,
  limits: PdfLimits = DEFAULT_PDF_LIMITS,
  clock: () => number = () => performance.now(),
): Promise<Block[]> {
  const started = clock();
  scanPdf(bytes, limits);
  const { getResolvedPDFJS } = await import('unpdf');
  const pdfjs = await getResolvedPDFJS();
  // PDF.js takes ownership of (detaches) the buffer it is given: pass a copy.
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    stopAtErrors: false,
    verbosity: 0,
  });
  const timedOut = () => new DocumentRejected('PDF_TIMEOUT', { seconds: Math.round(timeoutMs / 100) / 10 });
  const expired = () => clock() - started > timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), Math.max(0, timeoutMs - (clock() - started)));
  });
  const work = async (): Promise<Block[]> => {
    let pdf: Awaited<typeof task.promise>;
    try {
      pdf = await task.promise;
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'PasswordException') throw new DocumentRejected('PDF_ENCRYPTED');
      const message = error instanceof Error ? error.message : String(error);
      throw new DocumentRejected('FILE_CORRUPT', { detail: `PDF: ${message.slice(0, 80)}` });
    }
    if (pdf.numPages > MAX_PDF_PAGES) {
      throw new DocumentRejected('DOCUMENT_TOO_COMPLEX', {
        detailId: `${pdf.numPages} halaman; maksimal ${MAX_PDF_PAGES}`,
        detailEn: `${pdf.numPages} pages; at most ${MAX_PDF_PAGES}`,
      });
    }
    const lines: Line[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      if (expired()) throw timedOut();
      try {
        const page = (await pdf.getPage(n)) as unknown as PageLike;
        const items = await pageItems(page, expired, timedOut);
        for (const line of linesOfPage(items)) lines.push(line);
        page.cleanup();
      } catch (error) {
        if (error instanceof DocumentRejected) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new DocumentRejected('FILE_CORRUPT', { detail: `PDF page ${n}: ${message.slice(0, 80)}` });
      }
    }
    const letters = lines.reduce((sum, l) => sum + (l.text.match(/\p{L}/gu)?.length ?? 0), 0);
    if (letters < MIN_LETTERS) throw new DocumentRejected('PDF_NO_TEXT');
    return toBlocks(joinHyphenated(lines));
  };
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
    await task.destroy().catch(() => undefined);
  }
}
