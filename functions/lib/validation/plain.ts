/**
 * Markdown and plain text. Hand-written on purpose: validation only needs ATX/setext headings, pipe-table
 * rows and lines, and a line scanner keeps the cost linear and bounded (a full CommonMark parser is not
 * installed and would add nothing we use). No regular expression here can backtrack: each line is read by
 * index, so the cost is linear in the length of the text whatever the text is.
 */
import { DocumentRejected } from './errors';
import type { Block, Budget } from './types';

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\v' || c === '\f';

/** Leading spaces of a line (tabs count as one). */
function indentOf(line: string): number {
  let i = 0;
  while (isSpace(line[i])) i++;
  return i;
}

/** Index just past the last non-whitespace character of `line[from, to)`. */
function trimEndIndex(line: string, from: number, to: number): number {
  let end = to;
  while (end > from && /\s/.test(line[end - 1] ?? '')) end--;
  return end;
}

/** An ATX heading (`## Text ##`): its level and text, or undefined. */
export function atxHeading(line: string): { level: number; text: string } | undefined {
  let i = 0;
  while (i < 3 && line[i] === ' ') i++;
  let level = 0;
  while (line[i + level] === '#') level++;
  if (level < 1 || level > 6) return undefined;
  const start = i + level;
  // The marks must be followed by whitespace: `#text` and a lone `#` are not headings.
  if (!/\s/.test(line[start] ?? '')) return undefined;
  // The text, without the closing `#` sequence and the whitespace around it.
  let end = trimEndIndex(line, start, line.length);
  while (end > start && line[end - 1] === '#') end--;
  end = trimEndIndex(line, start, end);
  let from = start;
  while (from < end && /\s/.test(line[from] ?? '')) from++;
  return { level, text: line.slice(from, end) };
}

/** The inside of a pipe-table row (`| a | b |` gives ` a | b `), or undefined. */
export function tableRowInner(line: string): string | undefined {
  const trimmed = line.trim();
  if (trimmed.length < 2 || trimmed[0] !== '|' || trimmed[trimmed.length - 1] !== '|') return undefined;
  return trimmed.slice(1, -1);
}

/** True for a cell of a table rule: `---`, `:--`, `--:`, `:-:` (at least two dashes). */
function isRuleCell(cell: string): boolean {
  let from = 0;
  let to = cell.length;
  if (cell[from] === ':') from++;
  if (to > from && cell[to - 1] === ':') to--;
  if (to - from < 2) return false;
  for (let i = from; i < to; i++) if (cell[i] !== '-') return false;
  return true;
}

/** A table's header rule: `|---|:--:|`, `--- | ---`. */
export function isTableRule(line: string): boolean {
  let text = line.trim();
  if (!text.includes('-')) return false;
  if (text.startsWith('|')) text = text.slice(1);
  if (text.endsWith('|')) text = text.slice(0, -1);
  return text.split('|').every((cell) => isRuleCell(cell.trim()));
}

/** Setext underline: `===` (level 1) or `---` (level 2, at least two dashes), at most three spaces before. */
function setextLevel(line: string): 1 | 2 | undefined {
  let i = 0;
  while (i < 3 && line[i] === ' ') i++;
  const mark = line[i];
  if (mark !== '=' && mark !== '-') return undefined;
  let n = 0;
  while (line[i + n] === mark) n++;
  if (line.slice(i + n).trim()) return undefined;
  if (mark === '=') return 1;
  return n >= 2 ? 2 : undefined;
}

/** A thematic break: three or more `-`, `*` or `_` alone on a line. */
function isThematicBreak(line: string): boolean {
  const text = line.trim();
  const mark = text[0];
  if (text.length < 3 || (mark !== '-' && mark !== '*' && mark !== '_')) return false;
  for (let i = 1; i < text.length; i++) if (text[i] !== mark) return false;
  return true;
}

function isFence(line: string): boolean {
  const text = line.slice(indentOf(line));
  return text.startsWith('```') || text.startsWith('~~~');
}

/** True when the text uses Markdown structure: an ATX heading, a pipe-table row or a setext heading. */
export function looksLikeMarkdown(text: string): boolean {
  const lines = text.split(/\r\n?|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const atx = atxHeading(line);
    if (atx?.text) return true;
    if (tableRowInner(line) !== undefined) return true;
    const next = lines[i + 1];
    if (next !== undefined && line && !/\s/.test(line[0] ?? '') && setextLevel(next)) return true;
  }
  return false;
}

/** Cells of a row: split on `|` not escaped by a backslash; `\|` becomes `|`. */
function splitRow(inner: string): string[] {
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\\' && inner[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (c === '|') {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

/** The text without HTML comments (`<!-- ... -->`; an unclosed one runs to the end). */
export function stripHtmlComments(text: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const open = text.indexOf('<!--', from);
    if (open < 0) return out + text.slice(from);
    out += text.slice(from, open);
    const close = text.indexOf('-->', open + 4);
    if (close < 0) return out;
    from = close + 3;
  }
}

/** How many lines are read between two looks at the clock. */
const CLOCK_EVERY = 1024;

export function parsePlain(text: string, budget?: Budget): Block[] {
  // HTML comments carry guidance in the templates; they are not proposal text.
  const source = stripHtmlComments(text).replace(/\r\n?/g, '\n');
  const lines = source.split('\n');
  const blocks: Block[] = [];
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    if (budget && i % CLOCK_EVERY === 0) checkBudget(budget);
    const line = lines[i] ?? '';
    if (isFence(line)) {
      fenced = !fenced;
      continue;
    }
    if (!line.trim()) continue;
    if (fenced) {
      blocks.push({ kind: 'paragraph', text: line.trim() });
      continue;
    }
    const atx = atxHeading(line);
    if (atx) {
      blocks.push({ kind: 'heading', text: atx.text, level: atx.level });
      continue;
    }
    const row = tableRowInner(line);
    const next = lines[i + 1] ?? '';
    const prevBlank = i === 0 || !(lines[i - 1] ?? '').trim();
    const setext = setextLevel(next);
    if (prevBlank && row === undefined && setext) {
      blocks.push({ kind: 'heading', text: line.trim(), level: setext });
      i++;
      continue;
    }
    if (isTableRule(line)) continue;
    if (row !== undefined) {
      blocks.push({ kind: 'row', cells: splitRow(row) });
      continue;
    }
    if (isThematicBreak(line)) continue;
    blocks.push({ kind: 'paragraph', text: line.trim() });
  }
  return blocks;
}

/** Throws DOCUMENT_TOO_COMPLEX once the budget's deadline has passed. */
export function checkBudget(budget: Budget): void {
  if (budget.clock() <= budget.deadline) return;
  const seconds = Math.round(budget.limitMs / 100) / 10;
  throw new DocumentRejected('DOCUMENT_TOO_COMPLEX', {
    detailId: `tidak dapat diperiksa dalam ${seconds} detik`,
    detailEn: `it cannot be checked within ${seconds} seconds`,
  });
}
