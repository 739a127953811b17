/**
 * Proposal validation: detects the format by content, reads the document within hard bounds, and checks
 * it against the competition profile. validateDocument never throws on bad content: every problem is an
 * issue of the report.
 */
import type { Profile } from '../profile';
import { analyze } from './analyze';
import { sniff } from './detect';
import { parseDocx } from './docx';
import { DocumentRejected } from './errors';
import { parseForm } from './form';
import { formatBytes, issue, type Params } from './messages';
import { parsePdf } from './pdf';
import { checkBudget, looksLikeMarkdown, parsePlain } from './plain';
import type {
  Budget,
  DocumentFormat,
  Issue,
  IssueCode,
  ParsedDocument,
  ValidateOptions,
  ValidationReport,
} from './types';

export { eligibilityIssues } from './eligibility';
export { ISSUE_CODES } from './messages';
export { formatReport, reportSummary } from './report';
export type * from './types';

export const DEFAULT_PDF_TIMEOUT_MS = 15_000;
/** Time budget for reading a text file and for the checks of any format (see ValidateOptions.timeBudgetMs). */
export const DEFAULT_TIME_BUDGET_MS = 15_000;

const EXTENSIONS: Record<string, Exclude<DocumentFormat, 'unknown'>> = {
  docx: 'docx',
  pdf: 'pdf',
  md: 'markdown',
  markdown: 'markdown',
  txt: 'text',
  text: 'text',
  json: 'json',
};
const PREFERRED_EXTENSION: Record<Exclude<DocumentFormat, 'unknown'>, string> = {
  docx: 'docx',
  pdf: 'pdf',
  markdown: 'md',
  text: 'txt',
  json: 'json',
};
const FORMAT_NAMES: Record<DocumentFormat, string> = {
  docx: 'DOCX',
  pdf: 'PDF',
  markdown: 'Markdown',
  text: 'text',
  json: 'JSON',
  unknown: '?',
};

function report(format: DocumentFormat, issues: Issue[]): ValidationReport {
  return { valid: !issues.some((i) => i.severity === 'error'), format, identity: {}, sections: [], issues };
}

const ACCEPTED = {
  fixId:
    'Kirim proposal sebagai DOCX (Word 2007 atau lebih baru), PDF yang berisi teks, Markdown/teks UTF-8, atau formulir JSON.',
  fixEn:
    'Send the proposal as DOCX (Word 2007 or later), a PDF with text, UTF-8 Markdown/text, or the JSON form.',
};

/** Byte offset of the first invalid UTF-8 sequence (the decoder does not tell). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const text = new TextDecoder('utf-8').decode(bytes);
  const at = text.indexOf('\uFFFD');
  return at < 0 ? 0 : new TextEncoder().encode(text.slice(0, at)).length;
}

/** Text that is a web page or an XML document (a browser would run or render it), not a proposal text. */
const MARKUP_START = /^(?:<!doctype\s+html|<html|<head|<body|<script|<svg|<\?xml|<iframe|<object|<embed)/i;

async function read(
  bytes: Uint8Array,
  profile: Profile,
  options: ValidateOptions,
  budget: Budget,
): Promise<ParsedDocument> {
  const sniffed = sniff(bytes);
  const allow = (format: Exclude<DocumentFormat, 'unknown'>) => {
    if (!profile.files.formats.includes(format)) {
      throw new DocumentRejected('FORMAT_UNSUPPORTED', {
        whatId: `format ${FORMAT_NAMES[format]}`,
        whatEn: `the ${FORMAT_NAMES[format]} format`,
        fixId: `Kompetisi ini menerima: ${profile.files.formats.map((f) => FORMAT_NAMES[f]).join(', ')}.`,
        fixEn: `This competition accepts: ${profile.files.formats.map((f) => FORMAT_NAMES[f]).join(', ')}.`,
      });
    }
  };
  switch (sniffed.kind) {
    case 'pdf':
      allow('pdf');
      return {
        format: 'pdf',
        blocks: await parsePdf(
          bytes,
          options.pdfTimeoutMs ?? DEFAULT_PDF_TIMEOUT_MS,
          undefined,
          budget.clock,
        ),
      };
    case 'zip':
      allow('docx');
      return { format: 'docx', blocks: parseDocx(bytes) };
    case 'ole':
      if (sniffed.encryptedOoxml) throw new DocumentRejected('DOCX_ENCRYPTED');
      throw new DocumentRejected('FORMAT_UNSUPPORTED', {
        whatId: 'dokumen Word lama (.doc, Word 97-2003)',
        whatEn: 'a legacy Word document (.doc, Word 97-2003)',
        fixId:
          'Buka di Word atau LibreOffice, pilih Simpan Sebagai > "Dokumen Word (*.docx)" atau ekspor ke PDF, lalu unggah berkas baru itu.',
        fixEn:
          'Open it in Word or LibreOffice, choose Save As > "Word Document (*.docx)" or export to PDF, then upload the new file.',
      });
    case 'binary':
      throw new DocumentRejected('FORMAT_UNSUPPORTED', {
        whatId: sniffed.whatId,
        whatEn: sniffed.whatEn,
        ...(sniffed.image
          ? {
              fixId:
                'Proposal harus berupa dokumen teks, bukan foto atau pindaian: kirim DOCX atau PDF yang diekspor dari Word.',
              fixEn:
                'The proposal must be a text document, not a photo or scan: send a DOCX, or a PDF exported from Word.',
            }
          : ACCEPTED),
      });
    case 'utf16':
      throw new DocumentRejected('ENCODING_INVALID', {
        detailId: 'berkas UTF-16',
        detailEn: 'a UTF-16 file',
      });
    case 'textual':
      break;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new DocumentRejected('ENCODING_INVALID', {
      detailId: `bita tidak sah pada posisi ${at}; kemungkinan Windows-1252/ANSI`,
      detailEn: `invalid byte at offset ${at}; probably Windows-1252/ANSI`,
    });
  }
  const trimmed = text.trimStart();
  if (MARKUP_START.test(trimmed.slice(0, 64))) {
    throw new DocumentRejected('FORMAT_UNSUPPORTED', {
      whatId: 'halaman web (HTML/XML)',
      whatEn: 'a web page (HTML/XML)',
      ...ACCEPTED,
    });
  }
  const ext = extensionOf(options.fileName);
  if (trimmed.startsWith('{') || ext === 'json') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new DocumentRejected('FILE_CORRUPT', {
        detail: `JSON: ${(error as Error).message.slice(0, 80)}`,
      });
    }
    allow('json');
    return { format: 'json', blocks: parseForm(json), strict: true };
  }
  const format = looksLikeMarkdown(text) || ext === 'md' || ext === 'markdown' ? 'markdown' : 'text';
  allow(format);
  return { format, blocks: parsePlain(text, budget) };
}

function extensionOf(fileName: string | undefined): string | undefined {
  if (!fileName) return undefined;
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

function formatOfRejection(bytes: Uint8Array): DocumentFormat {
  const s = sniff(bytes);
  if (s.kind === 'pdf') return 'pdf';
  if (s.kind === 'zip') return 'docx';
  if (s.kind === 'textual' || s.kind === 'utf16') return 'text';
  return 'unknown';
}

async function validate(
  bytes: Uint8Array,
  profile: Profile,
  options: ValidateOptions,
): Promise<ValidationReport> {
  const size = Math.max(bytes.length, options.declaredSize ?? 0);
  if (size === 0) return report('unknown', [issue('FILE_EMPTY')]);
  if (size > profile.files.maxBytes) {
    return report(formatOfRejection(bytes.subarray(0, 1024)), [
      issue('FILE_TOO_LARGE', { size: formatBytes(size), max: formatBytes(profile.files.maxBytes) }),
    ]);
  }
  const ext = extensionOf(options.fileName);
  const clock = options.clock ?? (() => performance.now());
  const limitMs = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
  const budget: Budget = { clock, limitMs, deadline: clock() + limitMs };
  let parsed: ParsedDocument;
  let analysis: ReturnType<typeof analyze>;
  try {
    parsed = await read(bytes, profile, options, budget);
    checkBudget(budget);
    analysis = analyze(parsed, profile, options.now ?? new Date(), budget);
  } catch (error) {
    if (!(error instanceof DocumentRejected)) throw error;
    let format = formatOfRejection(bytes);
    if (error.code === 'FORMAT_UNSUPPORTED') format = 'unknown';
    return report(format, [issue(error.code, error.params)]);
  }
  const issues: Issue[] = [];
  // The file is stored and downloaded under its name: a name no reader is meant to open (.html, .hta, .exe, none)
  // is refused, and so is a name that says another format than the content (see FORMAT_EXTENSION_MISMATCH).
  if (ext !== undefined && !EXTENSIONS[ext]) {
    issues.push(issue('FORMAT_EXTENSION_UNKNOWN', { ext: ext.replace(/[^A-Za-z0-9]/g, '').slice(0, 16) }));
  }
  const expected = ext ? EXTENSIONS[ext] : undefined;
  const sameFamily = (a: string, b: string) =>
    a === b || (a !== 'docx' && a !== 'pdf' && b !== 'docx' && b !== 'pdf' && b !== 'json' && a !== 'json');
  if (ext && expected && !sameFamily(expected, parsed.format)) {
    issues.push(
      issue('FORMAT_EXTENSION_MISMATCH', {
        ext,
        format: FORMAT_NAMES[parsed.format],
        expected: PREFERRED_EXTENSION[parsed.format],
      }),
    );
  }
  issues.push(...analysis.issues);
  const result = report(parsed.format, issues);
  result.identity = analysis.identity;
  result.sections = analysis.sections;
  if (analysis.group) {
    result.group = analysis.group.id;
    result.groupName = analysis.group.name;
  }
  if (analysis.category) {
    result.category = analysis.category.id;
    result.categoryName = analysis.category.name;
  }
  return result;
}

/** A report refusing the file with one issue (for callers that stop a validation from outside, e.g. at a deadline). */
export function rejectionReport(bytes: Uint8Array, code: IssueCode, params: Params = {}): ValidationReport {
  return report(formatOfRejection(bytes), [issue(code, params)]);
}

/** Validates one proposal file against a profile. Never throws: every problem is an issue of the report. */
export async function validateDocument(
  bytes: Uint8Array,
  profile: Profile,
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  try {
    return await validate(bytes, profile, options);
  } catch (error) {
    // A parser failing in a way we did not foresee is still a document we cannot read.
    const message = error instanceof Error ? error.message : String(error);
    return report(formatOfRejection(bytes), [issue('FILE_CORRUPT', { detail: message.slice(0, 120) })]);
  }
}
