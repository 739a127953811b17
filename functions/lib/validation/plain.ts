/**
 * Markdown and plain text. Hand-written on purpose: validation only needs ATX/setext headings, pipe-table
 * rows and lines, and a line scanner keeps the cost linear and bounded (a full CommonMark parser is not
 * installed and would add nothing we use).
 */
import type { Block } from './types';

const ATX = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const TABLE_ROW = /^\s*\|(.*)\|\s*$/;
const TABLE_RULE = /^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$/;
const SETEXT_1 = /^ {0,3}=+\s*$/;
const SETEXT_2 = /^ {0,3}-{2,}\s*$/;

export function looksLikeMarkdown(text: string): boolean {
  return (
    /^ {0,3}#{1,6}\s+\S/m.test(text) ||
    /^\s*\|.*\|\s*$/m.test(text) ||
    /^\S.*\n {0,3}(?:=+|-{2,})\s*$/m.test(text)
  );
}

function splitRow(inner: string): string[] {
  return inner.split(/(?<!\\)\|/).map((cell) => cell.replace(/\\\|/g, '|').trim());
}

export function parsePlain(text: string): Block[] {
  // HTML comments carry guidance in the templates; they are not proposal text.
  const source = text.replace(/<!--[\s\S]*?-->/g, '').replace(/\r\n?/g, '\n');
  const lines = source.split('\n');
  const blocks: Block[] = [];
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (!line.trim()) continue;
    if (fenced) {
      blocks.push({ kind: 'paragraph', text: line.trim() });
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      blocks.push({ kind: 'heading', text: atx[2] ?? '', level: atx[1]?.length ?? 1 });
      continue;
    }
    const next = lines[i + 1] ?? '';
    const prevBlank = i === 0 || !(lines[i - 1] ?? '').trim();
    if (prevBlank && !TABLE_ROW.test(line) && (SETEXT_1.test(next) || SETEXT_2.test(next))) {
      blocks.push({ kind: 'heading', text: line.trim(), level: SETEXT_1.test(next) ? 1 : 2 });
      i++;
      continue;
    }
    if (TABLE_RULE.test(line) && line.includes('-')) continue;
    const row = TABLE_ROW.exec(line);
    if (row) {
      blocks.push({ kind: 'row', cells: splitRow(row[1] ?? '') });
      continue;
    }
    if (/^\s*(?:-{3,}|\*{3,}|_{3,})\s*$/.test(line)) continue;
    blocks.push({ kind: 'paragraph', text: line.trim() });
  }
  return blocks;
}
