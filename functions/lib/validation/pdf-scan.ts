/**
 * A linear pass over the raw bytes of a PDF before PDF.js reads it: refuses active content (JavaScript, Launch
 * and other actions that run or fetch something, embedded files, an action run on opening) and bounds the work
 * of reading the text (bytes decoded from Flate streams, operators and `q` nesting in content streams).
 *
 * The file is read as Latin-1 text: object syntax is scanned for names (with `#xx` escapes decoded, so
 * `/J#61vaScript` is `/JavaScript`), skipping strings and comments; stream data is skipped, except Flate
 * streams that are not images: those are inflated with a cap on the output, then object streams are scanned
 * like the syntax around them and content streams are counted operator by operator. Every step moves forward
 * through the text, so the cost is linear in the size of the file plus the (capped) decoded bytes.
 */
import { constants, inflateSync } from 'node:zlib';
import { DocumentRejected } from './errors';

export interface PdfLimits {
  /** Bytes decoded from all Flate streams together (images are not decoded). */
  maxDecodedBytes: number;
  /** Operators in all content streams together. */
  maxOperators: number;
  /** Deepest `q` (save graphics state) nesting in a content stream. */
  maxNesting: number;
}

export const DEFAULT_PDF_LIMITS: PdfLimits = {
  maxDecodedBytes: 64 * 1024 * 1024,
  maxOperators: 2_000_000,
  maxNesting: 256,
};

/** Names that make a PDF do something when opened or clicked, beyond showing its pages and following web links. */
const ACTIVE: Record<string, { id: string; en: string }> = {
  JavaScript: { id: 'JavaScript', en: 'JavaScript' },
  JS: { id: 'JavaScript', en: 'JavaScript' },
  Launch: { id: 'perintah menjalankan program (Launch)', en: 'an action that runs a program (Launch)' },
  GoToR: { id: 'tautan ke berkas lain (GoToR)', en: 'a link that opens another file (GoToR)' },
  GoToE: { id: 'tautan ke berkas tersemat (GoToE)', en: 'a link into an embedded file (GoToE)' },
  EmbeddedFile: { id: 'berkas tersemat', en: 'an embedded file' },
  EmbeddedFiles: { id: 'berkas tersemat', en: 'an embedded file' },
  RichMedia: { id: 'media aktif (RichMedia/Flash)', en: 'active media (RichMedia/Flash)' },
  SubmitForm: { id: 'formulir yang mengirim data (SubmitForm)', en: 'a form that sends data (SubmitForm)' },
  ImportData: { id: 'impor data formulir (ImportData)', en: 'a form data import (ImportData)' },
  XFA: { id: 'formulir XFA', en: 'an XFA form' },
};

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([...'()<>[]{}/%'].map((c) => c.charCodeAt(0)));
const isRegular = (code: number) => !WHITESPACE.has(code) && !DELIMITERS.has(code) && !Number.isNaN(code);

const MB = 1024 * 1024;

function tooComplex(detailId: string, detailEn: string): DocumentRejected {
  return new DocumentRejected('DOCUMENT_TOO_COMPLEX', { detailId, detailEn });
}

/** Index just past a literal string starting at `at` (`(`), with nesting and backslash escapes; `to` at most. */
function skipLiteral(text: string, at: number, to = text.length): number {
  let depth = 0;
  for (let i = at; i < to; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return to;
}

/** Index of `char` in `text[from, to)`, or `to`. */
function indexWithin(text: string, char: string, from: number, to: number): number {
  for (let i = from; i < to; i++) if (text[i] === char) return i;
  return to;
}

/** Reads a name starting at `at` (`/`): its decoded text and the index past it. */
function readName(text: string, at: number): { name: string; end: number } {
  let i = at + 1;
  let name = '';
  while (i < text.length && isRegular(text.charCodeAt(i))) {
    const c = text[i] ?? '';
    const hex = c === '#' ? text.slice(i + 1, i + 3) : '';
    if (hex.length === 2 && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      name += String.fromCharCode(Number.parseInt(hex, 16));
      i += 3;
    } else {
      name += c;
      i++;
    }
  }
  return { name, end: i };
}

interface Found {
  /** The first active-content name met. */
  active?: string;
  /** Targets of /OpenAction given by reference ("12 0"), to look up once the whole file is known. */
  openActionRefs: string[];
  /** /OpenAction given as an inline dictionary (an action; a destination is an array). */
  openActionInline: boolean;
  /** The trailer names an /Encrypt dictionary. */
  encrypted?: boolean;
}

/** Scans object syntax for names, skipping strings and comments. */
function scanSyntax(text: string, from: number, to: number, found: Found): void {
  let i = from;
  while (i < to) {
    const c = text[i];
    if (c === '%') {
      while (i < to && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (c === '(') i = skipLiteral(text, i, to);
    else if (c === '<') i = text[i + 1] === '<' ? i + 2 : indexWithin(text, '>', i + 1, to) + 1;
    else if (c === '/') {
      const { name, end } = readName(text, i);
      i = end;
      if (!found.active && ACTIVE[name]) found.active = name;
      if (name === 'Encrypt') found.encrypted = true;
      if (name === 'OpenAction') {
        let j = i;
        while (j < to && WHITESPACE.has(text.charCodeAt(j))) j++;
        if (text.startsWith('<<', j)) found.openActionInline = true;
        const ref = /^(\d{1,10})\s+(\d{1,5})\s+R/.exec(text.slice(j, j + 24));
        if (ref) found.openActionRefs.push(`${ref[1]} ${ref[2]}`);
      }
    } else i++;
  }
}

/** Counts the operators of a content stream and its deepest `q` nesting. */
function countOperators(text: string, limits: PdfLimits, counted: { operators: number }): void {
  let depth = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (WHITESPACE.has(code)) {
      i++;
      continue;
    }
    const c = text[i];
    if (c === '%') {
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (c === '(') i = skipLiteral(text, i);
    else if (c === '<') {
      if (text[i + 1] === '<') i += 2;
      else {
        const close = text.indexOf('>', i + 1);
        i = close < 0 ? n : close + 1;
      }
    } else if (c === '/') i = readName(text, i).end;
    else if (!isRegular(code)) i++;
    else {
      let end = i;
      while (end < n && isRegular(text.charCodeAt(end))) end++;
      const token = text.slice(i, end);
      i = end;
      const first = token.charCodeAt(0);
      // Numbers (and the sign or dot that starts one) are operands, not operators.
      if ((first >= 0x30 && first <= 0x39) || first === 0x2b || first === 0x2d || first === 0x2e) continue;
      if (token === 'true' || token === 'false' || token === 'null') continue;
      counted.operators++;
      if (counted.operators > limits.maxOperators) throw tooManyOperators(limits);
      if (token === 'q' && ++depth > limits.maxNesting) {
        throw tooComplex(
          `lebih dari ${limits.maxNesting} operator q bersarang`,
          `more than ${limits.maxNesting} nested q operators`,
        );
      }
      if (token === 'Q' && depth > 0) depth--;
      if (token === 'BI') {
        // Inline image data runs to the next `EI` between whitespace.
        INLINE_IMAGE_END.lastIndex = i;
        const ei = INLINE_IMAGE_END.exec(text);
        i = ei ? ei.index + 3 : n;
      }
    }
  }
}

const INLINE_IMAGE_END = /\sEI(?=\s|$)/g;

function tooManyOperators(limits: PdfLimits): DocumentRejected {
  return tooComplex(
    `lebih dari ${limits.maxOperators} operator gambar`,
    `more than ${limits.maxOperators} drawing operators`,
  );
}

function tooLarge(limits: PdfLimits): DocumentRejected {
  return tooComplex(
    `aliran data PDF terurai lebih dari ${limits.maxDecodedBytes / MB} MB`,
    `PDF streams decode to more than ${limits.maxDecodedBytes / MB} MB`,
  );
}

/** Inflates with a cap on the output; undefined when the data is not Flate data. */
function inflateCapped(data: Buffer, cap: number, limits: PdfLimits): Buffer | undefined {
  try {
    return inflateSync(data, { maxOutputLength: Math.max(1, cap), finishFlush: constants.Z_SYNC_FLUSH });
  } catch (error) {
    if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLarge(limits);
    }
    return undefined;
  }
}

/** A growing output that refuses to pass `cap` bytes. */
class CappedOutput {
  private buffer: Buffer;
  length = 0;
  constructor(
    private readonly cap: number,
    private readonly limits: PdfLimits,
  ) {
    this.buffer = Buffer.alloc(Math.min(cap, 64 * 1024));
  }
  push(byte: number): void {
    if (this.length >= this.cap) throw tooLarge(this.limits);
    if (this.length === this.buffer.length) {
      const bigger = Buffer.alloc(Math.min(this.cap, this.buffer.length * 2));
      this.buffer.copy(bigger);
      this.buffer = bigger;
    }
    this.buffer[this.length++] = byte;
  }
  result(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

function asciiHex(data: Buffer, out: CappedOutput): void {
  let high = -1;
  for (const byte of data) {
    if (byte === 0x3e) break;
    const lower = byte | 0x20;
    const v = byte >= 0x30 && byte <= 0x39 ? byte - 0x30 : lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
    if (v < 0) continue;
    if (high < 0) high = v;
    else {
      out.push(high * 16 + v);
      high = -1;
    }
  }
  if (high >= 0) out.push(high * 16);
}

function ascii85(data: Buffer, out: CappedOutput): void {
  const group: number[] = [];
  const flush = (n: number) => {
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 85 + (group[i] ?? 84);
    for (let i = 0; i < n - 1; i++) out.push((value >>> (24 - 8 * i)) & 0xff);
    group.length = 0;
  };
  for (const byte of data) {
    if (byte === 0x7e) break;
    if (byte === 0x7a && group.length === 0) {
      for (let i = 0; i < 4; i++) out.push(0);
    } else if (byte >= 0x21 && byte <= 0x75) {
      group.push(byte - 0x21);
      if (group.length === 5) flush(5);
    }
  }
  if (group.length > 1) flush(group.length);
}

function runLength(data: Buffer, out: CappedOutput): void {
  for (let i = 0; i < data.length; ) {
    const n = data[i] ?? 128;
    if (n === 128) break;
    if (n < 128) {
      for (let j = 1; j <= n + 1; j++) out.push(data[i + j] ?? 0);
      i += n + 2;
    } else {
      const byte = data[i + 1] ?? 0;
      for (let j = 0; j < 257 - n; j++) out.push(byte);
      i += 2;
    }
  }
}

/** LZW as PDF uses it (early change), variable code width from 9 to 12 bits. */
function lzw(data: Buffer, out: CappedOutput): void {
  let table: number[][] = [];
  const reset = () => {
    table = [];
    for (let i = 0; i < 256; i++) table.push([i]);
    table.push([], []);
  };
  reset();
  let width = 9;
  let bits = 0;
  let buffer = 0;
  let previous: number[] | undefined;
  for (const byte of data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= width) {
      const code = (buffer >>> (bits - width)) & ((1 << width) - 1);
      bits -= width;
      buffer &= (1 << bits) - 1;
      if (code === 256) {
        reset();
        width = 9;
        previous = undefined;
        continue;
      }
      if (code === 257) return;
      const entry =
        table[code] ?? (previous && code === table.length ? [...previous, previous[0] ?? 0] : undefined);
      if (!entry) return;
      for (const b of entry) out.push(b);
      if (previous && table.length < 4096) table.push([...previous, entry[0] ?? 0]);
      previous = entry;
      if (table.length + 1 >= 1 << width && width < 12) width++;
    }
  }
}

/** Decodes one filter stage with a cap on the output; undefined when the data cannot be decoded. */
function decodeStage(name: string, data: Buffer, cap: number, limits: PdfLimits): Buffer | undefined {
  if (name === 'FlateDecode' || name === 'Fl') return inflateCapped(data, cap, limits);
  const out = new CappedOutput(Math.max(1, cap), limits);
  if (name === 'ASCIIHexDecode' || name === 'AHx') asciiHex(data, out);
  else if (name === 'ASCII85Decode' || name === 'A85') ascii85(data, out);
  else if (name === 'RunLengthDecode' || name === 'RL') runLength(data, out);
  else if (name === 'LZWDecode' || name === 'LZW') lzw(data, out);
  else return undefined;
  return out.result();
}

/** The filters of a stream dictionary, read after its last `/Filter`. */
function filtersOf(dict: string): string[] {
  const at = dict.lastIndexOf('/Filter');
  if (at < 0) return [];
  const rest = dict.slice(at + 7, at + 400).trimStart();
  if (rest.startsWith('/')) return [readName(rest, 0).name];
  if (!rest.startsWith('[')) return [];
  const close = rest.indexOf(']');
  return (rest.slice(1, close < 0 ? rest.length : close).match(/\/[A-Za-z0-9#]+/g) ?? []).map((n) =>
    n.slice(1),
  );
}

/** The value of a direct `/Length n` (not `/Length n g R`). */
function directLength(dict: string): number | undefined {
  const at = dict.lastIndexOf('/Length');
  if (at < 0) return undefined;
  const m = /^\s+(\d{1,10})(?!\d)(\s+\d+\s+R)?/.exec(dict.slice(at + 7, at + 40));
  return m && !m[2] ? Number(m[1]) : undefined;
}

/** Streams that are data, not drawing operators: cross references, metadata, files, font programs, ICC profiles. */
const NOT_CONTENT = [
  /\/Type\s*\/(?:XRef|Metadata|EmbeddedFile)\b/,
  /\/(?:Length1|Length2|Length3|N)\b/,
  /\/Subtype\s*\/(?:Type1C|CIDFontType0C|OpenType|XML)\b/,
];

/** Filters that can hide a decompression bomb in a content stream; all are decoded here with a cap. */
const TEXT_FILTERS = new Set([
  'FlateDecode',
  'Fl',
  'LZWDecode',
  'LZW',
  'RunLengthDecode',
  'RL',
  'ASCIIHexDecode',
  'AHx',
  'ASCII85Decode',
  'A85',
]);

/** Scans a PDF; throws DocumentRejected (PDF_ACTIVE_CONTENT or DOCUMENT_TOO_COMPLEX). */
export function scanPdf(bytes: Uint8Array, limits: PdfLimits = DEFAULT_PDF_LIMITS): void {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const found: Found = { openActionRefs: [], openActionInline: false };
  const counted = { operators: 0 };
  let decoded = 0;
  let pos = 0;
  for (;;) {
    let at = text.indexOf('stream', pos);
    // `endstream` and words that merely contain "stream" are not the start of stream data.
    while (at >= 0 && (text.startsWith('end', at - 3) || !/[\r\n]/.test(text[at + 6] ?? ''))) {
      at = text.indexOf('stream', at + 6);
    }
    if (at < 0) {
      scanSyntax(text, pos, text.length, found);
      break;
    }
    scanSyntax(text, pos, at, found);
    let start = at + 6;
    if (text[start] === '\r') start++;
    if (text[start] === '\n') start++;
    // The stream's dictionary: from the start of its object (at most 4 KB back) to the `stream` keyword.
    const near = text.slice(Math.max(pos, at - 4096), at);
    const objAt = near.lastIndexOf(' obj');
    const dict = objAt >= 0 ? near.slice(objAt) : near;
    const length = directLength(dict);
    let end = length === undefined ? -1 : start + length;
    if (
      end < 0 ||
      end > text.length ||
      !text
        .slice(end, end + 12)
        .trim()
        .startsWith('endstream')
    ) {
      end = text.indexOf('endstream', start);
      if (end < 0) end = text.length;
    }
    pos = Math.min(text.length, end + 9);
    // Images are not decoded to read the text; everything else PDF.js may decode (content, fonts, object
    // streams) counts against the cap.
    const image = /\/Subtype\s*\/Image\b/.test(dict) || /\/Width\b/.test(dict);
    const filters = image ? [] : filtersOf(dict);
    if (!filters.length || !filters.every((f) => TEXT_FILTERS.has(f))) continue;
    let data: Buffer | undefined = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
    for (const filter of filters) {
      if (!data) break;
      data = decodeStage(filter, data, limits.maxDecodedBytes - decoded, limits);
    }
    if (!data) continue;
    decoded += data.length;
    const content = data.toString('latin1');
    if (/\/Type\s*\/ObjStm\b/.test(dict)) scanSyntax(content, 0, content.length, found);
    else if (!NOT_CONTENT.some((re) => re.test(dict))) countOperators(content, limits, counted);
  }
  if (!found.active && found.openActionRefs.length) {
    // An /OpenAction naming an object that is a dictionary with an action type (/S) runs an action on opening.
    for (const ref of found.openActionRefs.slice(0, 16)) {
      let obj = text.indexOf(`${ref} obj`);
      while (obj > 0 && /\d/.test(text[obj - 1] ?? '')) obj = text.indexOf(`${ref} obj`, obj + 1);
      if (obj < 0) continue;
      const body = text.slice(obj, obj + 4096);
      const stop = body.indexOf('endobj');
      if (/^\S+\s+\S+\s+obj\s*<</.test(body) && /\/S\s*\//.test(stop < 0 ? body : body.slice(0, stop))) {
        found.active = 'OpenAction';
      }
    }
  }
  if (found.openActionInline && !found.active) found.active = 'OpenAction';
  // Encrypted streams cannot be checked here (nor their decoded size bounded): such a PDF is refused as protected.
  if (found.encrypted) throw new DocumentRejected('PDF_ENCRYPTED');
  if (found.active) {
    const what = ACTIVE[found.active] ?? {
      id: 'tindakan otomatis saat dibuka (OpenAction)',
      en: 'an action run on opening (OpenAction)',
    };
    throw new DocumentRejected('PDF_ACTIVE_CONTENT', { whatId: what.id, whatEn: what.en });
  }
}
