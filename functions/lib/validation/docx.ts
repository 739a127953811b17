/**
 * DOCX reading with zip.ts (bounded unzip) and fast-xml-parser. mammoth is not used here because it inflates
 * every entry without limits; the structure we need (paragraph styles, tables, hyperlinks) is small.
 */
import { XMLParser } from 'fast-xml-parser';
import { DocumentRejected } from './errors';
import type { Block } from './types';
import { listZip, readZipEntries, type ZipLimits } from './zip';

type XNode = Record<string, unknown>;

const MAIN = 'word/document.xml';
const STYLES = 'word/styles.xml';
const RELS = 'word/_rels/document.xml.rels';
const TYPES = '[Content_Types].xml';
/** Deepest XML nesting accepted (a real DOCX stays far below; nested tables add about 5 levels each). */
const MAX_XML_DEPTH = 120;
/**
 * Most XML elements read from one part. A proposal has a few thousand words (a 100-page document.xml holds about
 * 150,000 elements); the parser builds an object per element, so this bounds its time and memory.
 */
export const MAX_XML_ELEMENTS = 250_000;
/** Relationship parts (`.rels`) are small lists: all of them together above this are not a document's. */
const MAX_RELS_BYTES = 4 * 1024 * 1024;

function makeParser() {
  return new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    // The DOCTYPE is refused before parsing; only the five predefined XML entities remain to decode.
    processEntities: true,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: MAX_XML_DEPTH,
  });
}

const decoder = new TextDecoder('utf-8');

/** Number of element start tags (`<name`, not `</`, `<!` or `<?`), counted up to `max + 1`. */
export function countElements(xml: string, max: number): number {
  let count = 0;
  for (let at = xml.indexOf('<'); at >= 0 && count <= max; at = xml.indexOf('<', at + 1)) {
    const next = xml[at + 1];
    if (next !== '/' && next !== '!' && next !== '?') count++;
  }
  return count;
}

function parseXml(bytes: Uint8Array, part: string): XNode[] {
  const xml = decoder.decode(bytes);
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new DocumentRejected('XML_UNSAFE', { part });
  if (countElements(xml, MAX_XML_ELEMENTS) > MAX_XML_ELEMENTS) {
    throw new DocumentRejected('DOCUMENT_TOO_COMPLEX', {
      detailId: `${part}: lebih dari ${MAX_XML_ELEMENTS} elemen XML`,
      detailEn: `${part}: more than ${MAX_XML_ELEMENTS} XML elements`,
    });
  }
  try {
    return makeParser().parse(xml) as XNode[];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/nested/i.test(message)) {
      throw new DocumentRejected('DOCUMENT_TOO_COMPLEX', {
        detailId: `${part}: lebih dari ${MAX_XML_DEPTH} tingkat bersarang`,
        detailEn: `${part}: more than ${MAX_XML_DEPTH} nested levels`,
      });
    }
    throw new DocumentRejected('FILE_CORRUPT', { detail: `${part}: ${message.slice(0, 80)}` });
  }
}

/** The tag name of a node (every node holds exactly one non-attribute key). */
function tagOf(node: XNode): string {
  for (const key of Object.keys(node)) if (key !== ':@') return key;
  return '';
}
function childrenOf(node: XNode): XNode[] {
  const value = node[tagOf(node)];
  return Array.isArray(value) ? (value as XNode[]) : [];
}
function attr(node: XNode, name: string): string | undefined {
  const attrs = node[':@'] as Record<string, string> | undefined;
  return attrs?.[name];
}
function child(node: XNode, tag: string): XNode | undefined {
  return childrenOf(node).find((c) => tagOf(c) === tag);
}
function find(nodes: XNode[], tag: string): XNode | undefined {
  return nodes.find((n) => tagOf(n) === tag);
}

interface StyleInfo {
  name: string;
  outline?: number;
  basedOn?: string;
}

function readStyles(nodes: XNode[]): Map<string, StyleInfo> {
  const styles = new Map<string, StyleInfo>();
  const root = find(nodes, 'w:styles');
  if (!root) return styles;
  for (const style of childrenOf(root)) {
    if (tagOf(style) !== 'w:style') continue;
    const id = attr(style, 'w:styleId');
    if (!id) continue;
    const name = attr(child(style, 'w:name') ?? {}, 'w:val') ?? id;
    const outlineVal = attr(child(child(style, 'w:pPr') ?? {}, 'w:outlineLvl') ?? {}, 'w:val');
    const basedOn = attr(child(style, 'w:basedOn') ?? {}, 'w:val');
    const info: StyleInfo = { name };
    if (outlineVal !== undefined) info.outline = Number(outlineVal);
    if (basedOn) info.basedOn = basedOn;
    styles.set(id, info);
  }
  return styles;
}

/** Heading level from a style (name "heading N", "Title", or an outline level), following basedOn. */
function styleLevel(styles: Map<string, StyleInfo>, styleId: string | undefined): number | undefined {
  let id = styleId;
  for (let hops = 0; id && hops < 10; hops++) {
    const style = styles.get(id);
    const name = (style?.name ?? id).toLowerCase().replace(/\s+/g, ' ');
    const m = /^(?:heading|judul) ?(\d)$/.exec(name);
    if (m) return Number(m[1]);
    if (name === 'title' || name === 'judul') return 0;
    if (style?.outline !== undefined && style.outline < 9) return style.outline + 1;
    id = style?.basedOn;
  }
  return undefined;
}

function readRels(nodes: XNode[]): Map<string, string> {
  const rels = new Map<string, string>();
  const root = find(nodes, 'Relationships');
  for (const rel of root ? childrenOf(root) : []) {
    const id = attr(rel, 'Id');
    const target = attr(rel, 'Target');
    if (id && target && /^https?:/i.test(target)) rels.set(id, target);
  }
  return rels;
}

interface Context {
  styles: Map<string, StyleInfo>;
  rels: Map<string, string>;
  blocks: Block[];
}

/** Text of a paragraph (runs, hyperlinks, fields, inserted text; not deleted text or field codes). */
function paragraphText(node: XNode, ctx: Context, links: string[], depth: number): string {
  let out = '';
  for (const c of childrenOf(node)) {
    const tag = tagOf(c);
    if (tag === '#text') continue;
    if (tag === 'w:t') {
      for (const t of childrenOf(c)) if (typeof t['#text'] === 'string') out += t['#text'];
    } else if (tag === 'w:tab') out += '\t';
    else if (tag === 'w:br' || tag === 'w:cr') out += '\n';
    else if (tag === 'w:delText' || tag === 'w:instrText' || tag === 'w:pPr' || tag === 'w:rPr') continue;
    else if (tag === 'mc:Fallback') continue;
    else if (tag === 'w:txbxContent') continue;
    else {
      if (tag === 'w:hyperlink') {
        const target = ctx.rels.get(attr(c, 'r:id') ?? '');
        if (target) links.push(target);
      }
      if (depth < MAX_XML_DEPTH) out += paragraphText(c, ctx, links, depth + 1);
    }
  }
  return out;
}

function paragraphStyle(node: XNode): { styleId?: string; outline?: number } {
  const pPr = child(node, 'w:pPr');
  if (!pPr) return {};
  const styleId = attr(child(pPr, 'w:pStyle') ?? {}, 'w:val');
  const outline = attr(child(pPr, 'w:outlineLvl') ?? {}, 'w:val');
  const result: { styleId?: string; outline?: number } = {};
  if (styleId) result.styleId = styleId;
  if (outline !== undefined) result.outline = Number(outline);
  return result;
}

function emitParagraph(node: XNode, ctx: Context, depth: number): void {
  const links: string[] = [];
  const text = paragraphText(node, ctx, links, depth);
  const { styleId, outline } = paragraphStyle(node);
  const level = outline !== undefined && outline < 9 ? outline + 1 : styleLevel(ctx.styles, styleId);
  const lines = text.split('\n').map((l) => l.replace(/\t/g, ' ').trim());
  if (level !== undefined && text.trim()) {
    ctx.blocks.push({ kind: 'heading', text: lines.join(' ').trim(), level });
    return;
  }
  for (const line of lines) {
    if (!line) continue;
    const block: Block = { kind: 'paragraph', text: line };
    if (links.length) block.links = links;
    ctx.blocks.push(block);
  }
}

/** Plain text of any subtree (used for table cells). */
function cellText(node: XNode, ctx: Context, links: string[], depth: number): string {
  const parts: string[] = [];
  for (const c of childrenOf(node)) {
    const tag = tagOf(c);
    if (tag === 'w:p')
      parts.push(
        paragraphText(c, ctx, links, depth + 1)
          .replace(/\s+/g, ' ')
          .trim(),
      );
    else if (
      tag === 'w:tbl' ||
      tag === 'w:tr' ||
      tag === 'w:tc' ||
      tag === 'w:sdt' ||
      tag === 'w:sdtContent'
    ) {
      if (depth < MAX_XML_DEPTH) parts.push(cellText(c, ctx, links, depth + 1));
    }
  }
  return parts.filter(Boolean).join(' ');
}

function emitTable(node: XNode, ctx: Context, depth: number): void {
  const rows = childrenOf(node).filter((c) => tagOf(c) === 'w:tr');
  const singleColumn = rows.every((r) => childrenOf(r).filter((c) => tagOf(c) === 'w:tc').length <= 1);
  for (const row of rows) {
    const cells = childrenOf(row).filter((c) => tagOf(c) === 'w:tc');
    if (singleColumn) {
      // A one-column table is a frame around ordinary paragraphs (and maybe headings).
      for (const cell of cells) emitBody(childrenOf(cell), ctx, depth + 1);
      continue;
    }
    const links: string[] = [];
    const texts = cells.map((cell) => cellText(cell, ctx, links, depth + 1));
    const block: Block = { kind: 'row', cells: texts };
    if (links.length) block.links = links;
    ctx.blocks.push(block);
  }
}

function emitBody(nodes: XNode[], ctx: Context, depth: number): void {
  if (depth > MAX_XML_DEPTH) {
    throw new DocumentRejected('DOCUMENT_TOO_COMPLEX', {
      detailId: `lebih dari ${MAX_XML_DEPTH} tingkat bersarang`,
      detailEn: `more than ${MAX_XML_DEPTH} nested levels`,
    });
  }
  for (const node of nodes) {
    const tag = tagOf(node);
    if (tag === 'w:p') emitParagraph(node, ctx, depth);
    else if (tag === 'w:tbl') emitTable(node, ctx, depth);
    else if (tag === 'w:sdt') emitBody(childrenOf(child(node, 'w:sdtContent') ?? {}), ctx, depth + 1);
    else if (tag === 'w:customXml' || tag === 'w:ins' || tag === 'w:smartTag')
      emitBody(childrenOf(node), ctx, depth + 1);
  }
}

const OTHER_PACKAGES: Array<{ test: (names: Set<string>) => boolean; whatId: string; whatEn: string }> = [
  {
    test: (n) => n.has('content.xml') && n.has('mimetype'),
    whatId: 'dokumen OpenDocument (.odt)',
    whatEn: 'an OpenDocument file (.odt)',
  },
  {
    test: (n) => [...n].some((x) => x.startsWith('xl/')),
    whatId: 'lembar kerja Excel',
    whatEn: 'an Excel workbook',
  },
  {
    test: (n) => [...n].some((x) => x.startsWith('ppt/')),
    whatId: 'presentasi PowerPoint',
    whatEn: 'a PowerPoint presentation',
  },
];

/** What an external relationship of each type fetches, for the message (the last part of the type URI). */
const EXTERNAL_KINDS: Record<string, { id: string; en: string }> = {
  attachedTemplate: { id: 'templat (bisa berisi makro)', en: 'a template (which can hold macros)' },
  oleObject: { id: 'objek OLE', en: 'an OLE object' },
  image: { id: 'gambar', en: 'a picture' },
  frame: { id: 'bingkai halaman', en: 'a frame' },
  subDocument: { id: 'subdokumen', en: 'a subdocument' },
  package: { id: 'paket tersemat', en: 'an embedded package' },
  hyperlink: { id: 'tautan ke berkas atau jaringan', en: 'a link to a file or network share' },
};
const DEFAULT_KIND = { id: 'konten', en: 'content' };

/** Web and mail links are ordinary proposal content (the video link is one): they stay allowed. */
const SAFE_LINK = /^(?:https?:\/\/|mailto:)/i;

/**
 * Refuses relationships that make Word fetch something when the file is opened (TargetMode="External" in any
 * part's .rels: a remote template, OLE object, linked picture, frame...). Hyperlinks to web pages or mail
 * addresses are allowed: they act only when a reader clicks them, and proposals must carry a video link; a
 * hyperlink to a file or a network share (file:, \\server) is refused like the rest.
 */
function checkExternalRelationships(part: string, nodes: XNode[]): void {
  const root = find(nodes, 'Relationships');
  for (const rel of root ? childrenOf(root) : []) {
    if ((attr(rel, 'TargetMode') ?? '').toLowerCase() !== 'external') continue;
    const type = attr(rel, 'Type') ?? '';
    const kind = type.slice(type.lastIndexOf('/') + 1);
    const target = (attr(rel, 'Target') ?? '').trim();
    if (kind === 'hyperlink' && SAFE_LINK.test(target)) continue;
    const what = EXTERNAL_KINDS[kind] ?? DEFAULT_KIND;
    throw new DocumentRejected('DOCX_EXTERNAL_CONTENT', {
      whatId: what.id,
      whatEn: what.en,
      target: `${part}: ${target.slice(0, 80)}`,
    });
  }
}

/** Parts that hold programs: ActiveX controls and OLE objects stored as binaries (packages can carry programs). */
function activeContent(names: Set<string>): { id: string; en: string } | undefined {
  for (const name of names) {
    const lower = name.toLowerCase();
    if (lower.startsWith('word/activex/')) return { id: 'kontrol ActiveX', en: 'ActiveX controls' };
    if (lower.startsWith('word/embeddings/') && lower.endsWith('.bin'))
      return { id: 'objek OLE tersemat (oleObject)', en: 'an embedded OLE object (oleObject)' };
  }
  return undefined;
}

/** Reads a DOCX (bytes start with a ZIP signature) into blocks; throws DocumentRejected. */
export function parseDocx(bytes: Uint8Array, limits?: ZipLimits): Block[] {
  const entries = listZip(bytes, limits);
  const names = new Set(entries.map((e) => e.name));
  if ([...names].some((n) => n.toLowerCase().endsWith('vbaproject.bin')))
    throw new DocumentRejected('DOCX_MACROS');
  if (!names.has(MAIN)) {
    const other = OTHER_PACKAGES.find((p) => p.test(names));
    throw new DocumentRejected('FORMAT_UNSUPPORTED', {
      whatId: other?.whatId ?? 'arsip ZIP yang bukan dokumen Word',
      whatEn: other?.whatEn ?? 'a ZIP archive that is not a Word document',
      fixId: 'Kirim proposal sebagai satu dokumen Word (.docx) atau PDF, tidak dalam arsip.',
      fixEn: 'Send the proposal as one Word document (.docx) or PDF, not inside an archive.',
    });
  }
  const rels = entries.filter((e) => e.name.toLowerCase().endsWith('.rels'));
  if (rels.reduce((sum, e) => sum + e.originalSize, 0) > MAX_RELS_BYTES) {
    throw new DocumentRejected('DOCUMENT_TOO_COMPLEX', {
      detailId: `daftar relasi (.rels) lebih dari ${MAX_RELS_BYTES / (1024 * 1024)} MB`,
      detailEn: `relationship lists (.rels) larger than ${MAX_RELS_BYTES / (1024 * 1024)} MB`,
    });
  }
  const relsParts = rels.map((e) => e.name);
  const parts = readZipEntries(bytes, entries, [MAIN, STYLES, TYPES, ...relsParts], limits);
  const types = parts[TYPES];
  if (types && /macroEnabled/i.test(decoder.decode(types))) throw new DocumentRejected('DOCX_MACROS');
  const active = activeContent(names);
  if (active) throw new DocumentRejected('DOCX_ACTIVE_CONTENT', { whatId: active.id, whatEn: active.en });
  let documentRels: XNode[] = [];
  for (const name of relsParts) {
    const data = parts[name];
    if (!data) continue;
    const nodes = parseXml(data, name);
    checkExternalRelationships(name, nodes);
    if (name === RELS) documentRels = nodes;
  }
  const main = parts[MAIN];
  if (!main) throw new DocumentRejected('FILE_CORRUPT', { detail: MAIN });
  const ctx: Context = {
    styles: parts[STYLES] ? readStyles(parseXml(parts[STYLES], STYLES)) : new Map(),
    rels: readRels(documentRels),
    blocks: [],
  };
  const doc = find(parseXml(main, MAIN), 'w:document');
  const body = doc ? child(doc, 'w:body') : undefined;
  if (!body) throw new DocumentRejected('FILE_CORRUPT', { detail: `${MAIN}: no w:body` });
  emitBody(childrenOf(body), ctx, 0);
  return ctx.blocks;
}
