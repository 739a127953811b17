/** Pure text helpers: heading keys, word counts, dates, contact checks. */
import { normalizeName } from '../model';

/**
 * Replaces Markdown links and images (`[label](url)`, `![alt](src)`) by their label (a link without a label by
 * its URL) in one left-to-right pass. A `[` without its `](...)` is skipped together with every `[` before
 * the same `]`, so the cost stays linear (a pattern retried at each `[` is quadratic on `[[[[...`).
 */
function replaceLinks(value: string): string {
  let out = '';
  let from = 0;
  let at = value.indexOf('[');
  while (at >= 0) {
    const close = value.indexOf(']', at + 1);
    if (close < 0) break;
    if (value[close + 1] !== '(') {
      at = value.indexOf('[', close + 1);
      continue;
    }
    const end = value.indexOf(')', close + 2);
    if (end < 0) break;
    const image = at > from && value[at - 1] === '!';
    const label = value.slice(at + 1, close);
    const url = value.slice(close + 2, end);
    out += value.slice(from, image ? at - 1 : at);
    out += image || label.trim() ? label : url;
    from = end + 1;
    at = value.indexOf('[', from);
  }
  return out + value.slice(from);
}

/** `<https://...>` autolinks become the bare URL (one pass, linear). */
function replaceAutolinks(value: string): string {
  let out = '';
  let from = 0;
  let at = value.indexOf('<');
  while (at >= 0) {
    const scheme = value.startsWith('http://', at + 1) ? 8 : value.startsWith('https://', at + 1) ? 9 : 0;
    if (!scheme) {
      at = value.indexOf('<', at + 1);
      continue;
    }
    let end = at + scheme;
    while (end < value.length && value[end] !== '>' && !/\s/.test(value[end] ?? '')) end++;
    if (value[end] === '>' && end > at + scheme) {
      out += value.slice(from, at) + value.slice(at + 1, end);
      from = end + 1;
      at = value.indexOf('<', from);
    } else at = value.indexOf('<', end);
  }
  return out + value.slice(from);
}

const isMark = (c: string | undefined) => c === '*' || c === '_' || c === '`';

/** Removes inline Markdown marks (emphasis, code, links) keeping the visible text. Linear in the length. */
export function stripInlineMarkup(value: string): string {
  // Emphasis: an opening mark, text without marks ending in a non-space, the same mark. The text cannot
  // cross another mark, so each attempt stops at the next mark: linear.
  const text = replaceAutolinks(replaceLinks(value)).replace(
    /(\*\*|__|\*|_|`|~~)(?=\S)([^*_`~]*?\S)\1/g,
    '$2',
  );
  let start = 0;
  let end = text.length;
  while (start < end && isMark(text[start])) start++;
  while (end > start && isMark(text[end - 1])) end--;
  return text.slice(start, end).trim();
}

/** The text without a trailing parenthetical such as " (maks. 200 kata)" (no parentheses inside). */
function dropTrailingParenthetical(text: string): string {
  const trimmed = text.trimEnd();
  if (!trimmed.endsWith(')')) return text;
  const open = trimmed.lastIndexOf('(');
  if (open < 0 || trimmed.lastIndexOf(')', trimmed.length - 2) > open) return text;
  return trimmed.slice(0, open).trimEnd();
}

/** The text without trailing whitespace, colons, dots and dashes. */
function dropTrailingPunctuation(text: string): string {
  let end = text.length;
  while (end > 0 && /[\s:.\-–—]/.test(text[end - 1] ?? '')) end--;
  return text.slice(0, end);
}

/**
 * Canonical key of a heading: case, accents, numbering ("1.", "A.", "II.", "2.1"), trailing colons and a
 * trailing parenthetical such as "(maks. 200 kata)" do not matter.
 */
export function headingKey(value: string): string {
  let text = stripInlineMarkup(value)
    .replace(/^\s*(?:[-*+•]|>)\s+/, '')
    .trim();
  text = text.replace(/^(?:bab|bagian|section|part)\s+(?=[0-9ivxlcdm]+\b)/i, '');
  text = text.replace(/^(?:\d+(?:\.\d+)*[.)]?|[A-Za-z][.)]|[IVXLCDM]+[.)])\s+/, '');
  text = dropTrailingParenthetical(text);
  text = dropTrailingPunctuation(text);
  return normalizeName(text);
}

/** Counts words: whitespace-separated tokens holding a letter or a digit ("masing-masing" is one word). */
export function countWords(value: string): number {
  let count = 0;
  for (const token of value.split(/\s+/)) {
    if (/[\p{L}\p{N}]/u.test(token)) count++;
  }
  return count;
}

/** Splits `Label: value` (also `**Label**: value`, `- Label : value`); undefined when there is no label. */
export function splitLabelLine(line: string): { label: string; value: string } | undefined {
  const cleaned = line.replace(/^\s*(?:[-*+•]|>)\s+/, '');
  const match = /^([^:]{1,60}?)\s*:\s*(.*)$/.exec(cleaned);
  if (!match) return undefined;
  const label = stripInlineMarkup(match[1] ?? '').replace(/[*_]+$/, '');
  let value = (match[2] ?? '').trim();
  // `**Judul:** value` leaves the closing marks at the start of the value.
  value = value.replace(/^(\*\*|__)\s*/, '').trim();
  if (!label || /^https?$/i.test(label)) return undefined;
  return { label, value };
}

// biome-ignore format: a table reads better
const MONTHS: Record<string, number> = {
  januari: 1, january: 1, jan: 1,
  februari: 2, february: 2, pebruari: 2, feb: 2, peb: 2,
  maret: 3, march: 3, mar: 3,
  april: 4, apr: 4,
  mei: 5, may: 5,
  juni: 6, june: 6, jun: 6,
  juli: 7, july: 7, jul: 7,
  agustus: 8, august: 8, agu: 8, agt: 8, ags: 8, aug: 8,
  september: 9, sep: 9, sept: 9,
  oktober: 10, october: 10, okt: 10, oct: 10,
  november: 11, nopember: 11, nov: 11, nop: 11,
  desember: 12, december: 12, des: 12, dec: 12,
};

function isoDate(year: number, month: number, day: number): string | undefined {
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return undefined;
  return date.toISOString().slice(0, 10);
}

/**
 * Reads a date as Indonesians write it: 2019-03-12, 12-03-2019, 12/03/2019, 12.03.2019, 12 Maret 2019,
 * 12 March 2019, March 12, 2019 (a leading weekday such as "Selasa," is ignored). Numeric dates are day first.
 * Returns YYYY-MM-DD or undefined.
 */
export function parseDate(value: string): string | undefined {
  const text = value
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+,\s*/, '')
    .replace(/\s+/g, ' ');
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(text);
  if (m) return isoDate(Number(m[3]), Number(m[2]), Number(m[1]));
  m = /^(\d{1,2}) ([a-z]+)\.? (\d{4})$/.exec(text);
  if (m) {
    const month = MONTHS[m[2] ?? ''];
    return month ? isoDate(Number(m[3]), month, Number(m[1])) : undefined;
  }
  m = /^([a-z]+)\.? (\d{1,2}),? (\d{4})$/.exec(text);
  if (m) {
    const month = MONTHS[m[1] ?? ''];
    return month ? isoDate(Number(m[3]), month, Number(m[2])) : undefined;
  }
  return undefined;
}

/** Adds whole months to an ISO date (clamping the day, so 29 Feb + 12 months is 28 Feb). */
export function addMonths(iso: string, months: number): string {
  const [y, mo, d] = iso.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (mo - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, last))).toISOString().slice(0, 10);
}

const EMAIL =
  /^[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;

export function cleanEmail(value: string): string {
  return stripInlineMarkup(value)
    .replace(/^mailto:/i, '')
    .trim();
}

export function isValidEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value) && !value.includes('..');
}

/**
 * An Indonesian phone number: +62/62/0 then 7 to 13 digits; spaces, dots, dashes and an area code in
 * parentheses are allowed. When several numbers are written ("0812... / (031) ..."), the first one counts.
 */
export function isValidPhone(value: string): boolean {
  const first = (value.split(/[/,;]|\batau\b|\bor\b/i)[0] ?? '').trim();
  if (!/^[+\d\s().-]+$/.test(first)) return false;
  const digits = first.replace(/[\s().-]/g, '');
  return /^(?:\+62|62|0)\d{7,13}$/.test(digits);
}

/** Finds the first http(s) or bare youtube URL in a text. */
export function findUrl(value: string): string | undefined {
  const m = /(?:https?:\/\/|(?:www\.|m\.)?youtu(?:\.be|be\.com)\/)[^\s<>()"'\]]+/i.exec(value);
  return m?.[0];
}

/** True for a link to one YouTube video (watch, youtu.be, shorts, embed, live). */
export function isYouTubeVideo(value: string): boolean {
  const raw = findUrl(value);
  if (!raw) return false;
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase().replace(/^(?:www|m|music)\./, '');
  const id = /^[A-Za-z0-9_-]{11}$/;
  if (host === 'youtu.be') return id.test(url.pathname.slice(1).split('/')[0] ?? '');
  if (host !== 'youtube.com' && host !== 'youtube-nocookie.com') return false;
  if (url.pathname === '/watch') return id.test(url.searchParams.get('v') ?? '');
  const m = /^\/(?:shorts|embed|live|v)\/([^/]+)/.exec(url.pathname);
  return m ? id.test(m[1] ?? '') : false;
}
