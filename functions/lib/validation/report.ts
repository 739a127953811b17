/** Human-readable renderings of a validation report, in Bahasa Indonesia or English. */
import type { Lang } from '../profile';
import type { Issue, ValidationReport } from './types';

const T = {
  id: {
    valid: 'LOLOS',
    invalid: 'TIDAK LOLOS',
    verdict: 'Hasil validasi',
    errors: (n: number) => `${n} kesalahan`,
    warnings: (n: number) => `${n} peringatan`,
    format: 'Format',
    group: 'Kelompok',
    category: 'Kategori',
    title: 'Judul',
    institution: 'Instansi',
    startDate: 'Tanggal mulai',
    sections: 'Bagian',
    words: 'kata',
    missing: 'tidak ada',
    over: 'melebihi batas',
    issues: 'Masalah',
    none: 'Tidak ada masalah.',
    error: 'KESALAHAN',
    warning: 'PERINGATAN',
    fix: 'Cara memperbaiki',
    unknown: '(tidak diketahui)',
    problems: (n: number) => `${n} masalah`,
    summaryValid: (group: string, n: number) => `Lolos validasi: kelompok ${group}, ${n} bagian lengkap`,
    withWarnings: (n: number) => `dengan ${n} peringatan`,
    more: (n: number) => `dan ${n} lainnya`,
  },
  en: {
    valid: 'PASSED',
    invalid: 'NOT PASSED',
    verdict: 'Validation result',
    errors: (n: number) => `${n} error${n === 1 ? '' : 's'}`,
    warnings: (n: number) => `${n} warning${n === 1 ? '' : 's'}`,
    format: 'Format',
    group: 'Group',
    category: 'Category',
    title: 'Title',
    institution: 'Institution',
    startDate: 'Start date',
    sections: 'Sections',
    words: 'words',
    missing: 'missing',
    over: 'over the limit',
    issues: 'Issues',
    none: 'No issues.',
    error: 'ERROR',
    warning: 'WARNING',
    fix: 'How to fix',
    unknown: '(unknown)',
    problems: (n: number) => `${n} problem${n === 1 ? '' : 's'}`,
    summaryValid: (group: string, n: number) =>
      `Passed validation: group ${group}, all ${n} sections present`,
    withWarnings: (n: number) => `with ${n} warning${n === 1 ? '' : 's'}`,
    more: (n: number) => `and ${n} more`,
  },
} as const;

const FORMAT_NAMES: Record<ValidationReport['format'], string> = {
  docx: 'DOCX',
  pdf: 'PDF',
  markdown: 'Markdown',
  text: 'Text',
  json: 'JSON',
  unknown: '?',
};

const errorsOf = (r: ValidationReport) => r.issues.filter((i) => i.severity === 'error');
const warningsOf = (r: ValidationReport) => r.issues.filter((i) => i.severity === 'warning');

function issueLine(issue: Issue, lang: Lang): string {
  const t = T[lang];
  return `  [${issue.severity === 'error' ? t.error : t.warning}] ${issue.message[lang]}\n      ${t.fix}: ${issue.hint[lang]}`;
}

/** A readable plain-text report: verdict, group, each section's words against its limit, each issue and its fix. */
export function formatReport(report: ValidationReport, lang: Lang = 'id'): string {
  const t = T[lang];
  const errors = errorsOf(report).length;
  const warnings = warningsOf(report).length;
  const counts = [errors ? t.errors(errors) : '', warnings ? t.warnings(warnings) : '']
    .filter(Boolean)
    .join(', ');
  const lines: string[] = [];
  lines.push(`${t.verdict}: ${report.valid ? t.valid : t.invalid}${counts ? ` (${counts})` : ''}`);
  lines.push(
    `${t.format}: ${FORMAT_NAMES[report.format]} | ${t.group}: ${report.groupName ?? t.unknown} | ${t.category}: ${
      report.categoryName ?? t.unknown
    }`,
  );
  if (report.identity.title) lines.push(`${t.title}: ${report.identity.title}`);
  if (report.identity.institution) lines.push(`${t.institution}: ${report.identity.institution}`);
  if (report.identity.startDate) lines.push(`${t.startDate}: ${report.identity.startDate}`);
  if (report.sections.length) {
    lines.push('', `${t.sections}:`);
    const width = Math.max(...report.sections.map((s) => s.name.length));
    for (const s of report.sections) {
      const over = s.present && s.words > s.limit;
      const mark = !s.present || over || s.words === 0 ? 'x' : 'v';
      const detail = s.present
        ? `${String(s.words).padStart(4)} / ${s.limit} ${t.words}${over ? ` (${t.over})` : ''}`
        : `   - / ${s.limit} ${t.words} (${t.missing})`;
      lines.push(`  [${mark}] ${s.name.padEnd(width)}  ${detail}`);
    }
  }
  lines.push('', `${t.issues}:`);
  if (!report.issues.length) lines.push(`  ${t.none}`);
  const ordered = [...errorsOf(report), ...warningsOf(report)];
  for (const issue of ordered) lines.push(issueLine(issue, lang));
  return `${lines.join('\n')}\n`;
}

const SUMMARY_ITEMS = 5;

/** One line giving the reason, e.g. "2 masalah: Ringkasan melebihi 200 kata (243); bagian Inspirasi tidak ada". */
export function reportSummary(report: ValidationReport, lang: Lang = 'id'): string {
  const t = T[lang];
  const list = (issues: Issue[]) => {
    const shown = issues.slice(0, SUMMARY_ITEMS).map((i) => i.message[lang]);
    if (issues.length > SUMMARY_ITEMS) shown.push(t.more(issues.length - SUMMARY_ITEMS));
    return shown.join('; ');
  };
  if (!report.valid) {
    const errors = errorsOf(report);
    return `${t.problems(errors.length)}: ${list(errors)}`;
  }
  const warnings = warningsOf(report);
  const base = t.summaryValid(report.groupName ?? t.unknown, report.sections.length);
  return warnings.length ? `${base}, ${t.withWarnings(warnings.length)}: ${list(warnings)}` : base;
}
