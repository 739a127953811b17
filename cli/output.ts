/**
 * Everything the CLI prints goes through here: the data it shows (titles, institutions, names, reasons, notes)
 * comes from uploaded documents and imported spreadsheets, so it may carry terminal escape sequences (screen
 * clear, fake text, OSC 8 hyperlinks, window titles), control characters or direction overrides. One function,
 * `printable` (functions/lib/clean-text.ts), removes them from every line printed; a value shown in one line or
 * one table cell is put on one line first (`field`). Machine formats keep the data and stay inert: JSON escapes
 * what it would otherwise pass through raw, CSV cells cannot start a formula, Markdown cells are escaped.
 */
import { cleanText, oneLine, unlinked } from '../functions/lib/clean-text';

/** Text as the CLI prints it: no escape sequences, controls or invisible overrides; line breaks kept. */
export function printable(text: string): string {
  return cleanText(text, { newlines: true });
}

/** A value shown within one line or one table cell: cleaned and on one line. */
export function field(value: unknown): string {
  return value === null || value === undefined ? '' : oneLine(String(value));
}

/** Prints to standard output, cleaned. */
export function print(text: string): void {
  process.stdout.write(printable(text));
}

/** Prints to standard error, cleaned. */
export function printError(text: string): void {
  process.stderr.write(printable(text));
}

/**
 * JSON for machines, with the same data: the characters JSON.stringify passes through raw (DEL, C1 controls,
 * line and paragraph separators, direction overrides, zero-width characters) are written as \u escapes, so the
 * output prints as text and parses to the same values.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * One CSV cell (RFC 4180): a text that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or
 * a carriage return, also after spaces) gets a leading single quote (OWASP's advice) and is quoted; a cell with
 * a quote, comma, semicolon or line break is quoted with its quotes doubled. Numbers stay numbers.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const raw = String(value);
  const formula = /^[\s]*[=+\-@]/.test(raw) || /^[\t\r]/.test(raw);
  const text = (formula ? `'` : '') + cleanText(raw, { newlines: true });
  return formula || /[",;\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document: rows of cells, one line each. */
export function csvText(rows: ReadonlyArray<readonly unknown[]>): string {
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}

/**
 * One Markdown table cell: on one line, with every character Markdown or HTML would act on escaped and URLs and
 * domains broken, so a title can neither format, nor link, nor break out of its cell.
 */
export function markdownCell(value: unknown): string {
  return unlinked(field(value)).replace(/[\\`*_[\]<>|~#!&]/g, (c) => `\\${c}`);
}

/**
 * Progress of a long write on standard error (standard output keeps the result): a counter redrawn in place on a
 * terminal, else a line every 10 %. Nothing for fewer than 100 items or when `quiet` (JSON output).
 */
export function progressReporter(
  label: (done: number, total: number) => string,
  quiet = false,
  write: (text: string) => void = printError,
): (done: number, total: number) => void {
  let shown = -1;
  return (done, total) => {
    if (total < 100 || quiet) return;
    // The counter is system text only, written as is.
    if (process.stderr.isTTY) process.stderr.write(`\r${label(done, total)}${done === total ? '\n' : ''}`);
    else if (Math.floor((done / total) * 10) > shown) {
      shown = Math.floor((done / total) * 10);
      write(`${label(done, total)}\n`);
    }
  };
}
