/**
 * The block renderer of the emails: a message (subject, preheader, heading, greeting and a list of content blocks)
 * becomes HTML and plain text from the same blocks, so both versions always say the same thing.
 *
 * HTML: inline CSS in a single-column, 600px-max layout that reflows on a phone; no external asset. Every value
 * is escaped by the `html` template, so text that comes from a person can never become markup. Plain text: for
 * clients that show no HTML, with the same content in the same order.
 *
 * Text that comes from a document can never pose as the system: before either rendering, every text is stripped
 * of controls and put on one line (so a title cannot open a paragraph of its own above the real button), and
 * URLs, domains and email addresses in it are broken (`evil[.]example`, `https[:]//`) so no client makes a link
 * of them. The only link of an email is the one the system put in its button.
 */

import { cleanText, oneLine, unlinked } from '../../clean-text';
import { DEFAULT_LANG, type Lang, type Text, tr } from '../../i18n';
import { html, multiline, type SafeHtml, safeHref } from '../html';
import type { ReviewProfile } from '../profile';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** What the frame of every email shows besides the draft: the competition (name, subject tag) and the language. */
export interface EmailFrame {
  profile: Pick<ReviewProfile, 'id' | 'name'>;
  /** Language of the email; Indonesian when omitted. */
  lang?: Lang;
}

/** One piece of an email's content, rendered alike in HTML and in text. */
export type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'facts'; rows: ReadonlyArray<{ label: string; value: string }> }
  | { kind: 'steps'; title: string; items: readonly string[] }
  | { kind: 'button'; label: string; href: string; fallback: string }
  | {
      kind: 'issues';
      items: ReadonlyArray<{
        badge: string;
        tone: 'error' | 'warning';
        title: string;
        where?: string;
        fix: string;
      }>;
    }
  | { kind: 'callout'; text: string }
  | { kind: 'code'; title: string; lines: readonly string[] }
  | { kind: 'table'; head: readonly string[]; rows: ReadonlyArray<readonly string[]> }
  | { kind: 'note'; text: string };

/** A message before rendering. */
export interface EmailDraft {
  subject: string;
  preheader: string;
  heading: string;
  greeting?: string;
  blocks: Block[];
}

/** A line of an email's text: one line, no controls, nothing a mail client would make a link of. */
const line = (text: string) => unlinked(oneLine(text));
/** Text that may span lines (a reviewer's comment): no controls, nothing a mail client would make a link of. */
const lines = (text: string) => unlinked(cleanText(text, { newlines: true }));

/**
 * The block as it may be shown: every text a person could have written (titles, names, institutions, issue
 * messages, comments, file names) is on one line (comments keep their lines) and never becomes a link. The
 * button's link is the system's own and stays as it is; command lines lose their controls only.
 */
function cleanBlock(block: Block): Block {
  switch (block.kind) {
    case 'paragraph':
    case 'note':
    case 'callout':
      return { ...block, text: line(block.text) };
    case 'facts':
      return { ...block, rows: block.rows.map((r) => ({ label: line(r.label), value: line(r.value) })) };
    case 'steps':
      return { ...block, title: line(block.title), items: block.items.map(line) };
    case 'button':
      return { ...block, label: line(block.label), fallback: line(block.fallback) };
    case 'issues':
      return {
        ...block,
        items: block.items.map((item) => ({
          ...item,
          badge: line(item.badge),
          title: line(item.title),
          where: item.where === undefined ? undefined : line(item.where),
          fix: line(item.fix),
        })),
      };
    case 'code':
      return { ...block, title: line(block.title), lines: block.lines.map((l) => oneLine(l)) };
    case 'table':
      return { ...block, head: block.head.map(line), rows: block.rows.map((row) => row.map(lines)) };
  }
}

const C = {
  text: '#1f2933',
  muted: '#52606d',
  border: '#d9e2ec',
  brand: '#0b5394',
  bg: '#f5f7fa',
  errorBg: '#fdecea',
  errorFg: '#8a1c1c',
  warnBg: '#fff4e0',
  warnFg: '#7a4b00',
};
const FONT = 'font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1f2933;';

function blockHtml(block: Block): SafeHtml {
  switch (block.kind) {
    case 'paragraph':
      return html`<p style="margin:0 0 16px;${FONT}">${multiline(block.text)}</p>`;
    case 'note':
      return html`<p style="margin:0 0 16px;font-family:Arial,Helvetica,sans-serif;font-size:13px;line-height:1.5;color:${C.muted};">${multiline(block.text)}</p>`;
    case 'callout':
      return html`<p style="margin:0 0 16px;padding:12px 14px;background:${C.warnBg};color:${C.warnFg};border-left:4px solid ${C.warnFg};font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;">${multiline(block.text)}</p>`;
    case 'facts':
      return html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:0 0 16px;">${block.rows.map(
        (row) =>
          html`<tr><td style="padding:6px 12px 6px 0;vertical-align:top;width:35%;border-bottom:1px solid ${C.border};font-family:Arial,Helvetica,sans-serif;font-size:14px;color:${C.muted};">${row.label}</td><td style="padding:6px 0;vertical-align:top;border-bottom:1px solid ${C.border};font-family:Arial,Helvetica,sans-serif;font-size:15px;color:${C.text};word-break:break-word;">${multiline(row.value)}</td></tr>`,
      )}</table>`;
    case 'steps':
      return html`<p style="margin:0 0 8px;${FONT}font-weight:bold;">${block.title}</p><ol style="margin:0 0 16px;padding-left:22px;${FONT}">${block.items.map(
        (item) => html`<li style="margin:0 0 6px;">${item}</li>`,
      )}</ol>`;
    case 'button':
      return html`<table role="presentation" cellpadding="0" cellspacing="0" style="margin:8px 0 16px;"><tr><td style="background:${C.brand};border-radius:6px;"><a href="${safeHref(block.href)}" style="display:inline-block;padding:14px 24px;font-family:Arial,Helvetica,sans-serif;font-size:16px;font-weight:bold;color:#ffffff;text-decoration:none;">${block.label}</a></td></tr></table><p style="margin:0 0 16px;font-family:Arial,Helvetica,sans-serif;font-size:13px;line-height:1.5;color:${C.muted};">${block.fallback}<br><a href="${safeHref(block.href)}" style="color:${C.brand};word-break:break-all;">${block.href}</a></p>`;
    case 'issues':
      return html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:separate;border-spacing:0 8px;margin:0 0 8px;">${block.items.map(
        (item) =>
          html`<tr><td style="padding:10px 12px;background:${item.tone === 'error' ? C.errorBg : C.warnBg};border-left:4px solid ${item.tone === 'error' ? C.errorFg : C.warnFg};font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:${C.text};"><span style="font-size:12px;font-weight:bold;text-transform:uppercase;color:${item.tone === 'error' ? C.errorFg : C.warnFg};">${item.badge}</span>${item.where ? html` &middot; <span style="font-size:13px;color:${C.muted};">${item.where}</span>` : ''}<br><strong>${item.title}</strong><br>${item.fix}</td></tr>`,
      )}</table>`;
    case 'code':
      return html`<p style="margin:0 0 8px;${FONT}">${block.title}</p><pre style="margin:0 0 16px;padding:12px;background:${C.bg};border:1px solid ${C.border};font-family:Consolas,Menlo,monospace;font-size:13px;white-space:pre-wrap;word-break:break-all;">${block.lines.join('\n')}</pre>`;
    case 'table':
      return html`<table width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:0 0 16px;"><tr>${block.head.map(
        (h) =>
          html`<th align="left" style="padding:6px 8px;border-bottom:2px solid ${C.border};font-family:Arial,Helvetica,sans-serif;font-size:13px;color:${C.muted};">${h}</th>`,
      )}</tr>${block.rows.map(
        (row) =>
          html`<tr>${row.map(
            (cell) =>
              html`<td style="padding:6px 8px;vertical-align:top;border-bottom:1px solid ${C.border};font-family:Arial,Helvetica,sans-serif;font-size:14px;color:${C.text};word-break:break-word;">${multiline(cell)}</td>`,
          )}</tr>`,
      )}</table>`;
  }
}

function indent(text: string, prefix: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line, i) => (i === 0 ? line : prefix + line))
    .join('\n');
}

function blockText(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
    case 'note':
      return block.text;
    case 'callout':
      return `! ${indent(block.text, '  ')}`;
    case 'facts':
      return block.rows.map((r) => `${r.label}: ${indent(r.value, '  ')}`).join('\n');
    case 'steps':
      return [block.title, ...block.items.map((item, i) => `${i + 1}. ${item}`)].join('\n');
    case 'button':
      return `${block.label}:\n${block.href}`;
    case 'issues':
      return block.items
        .map((item, i) =>
          [
            `${i + 1}. [${item.badge}]${item.where ? ` ${item.where}` : ''}`,
            `   ${indent(item.title, '   ')}`,
            `   ${indent(item.fix, '   ')}`,
          ].join('\n'),
        )
        .join('\n\n');
    case 'code':
      return [block.title, ...block.lines.map((l) => `    ${l}`)].join('\n');
    case 'table':
      return block.rows
        .map((row) => row.map((cell, i) => `${block.head[i] ?? ''}: ${cell}`).join('\n'))
        .join('\n\n');
  }
}

const FOOTER: Text = {
  id: 'Email ini dikirim otomatis oleh sistem penilaian {name}. Mohon tidak membalas email ini.',
  en: 'This email was sent automatically by the review system of {name}. Please do not reply to it.',
};

/** The email in HTML and in text: the frame (competition, heading, greeting, footer) around the draft's blocks. */
export function renderEmail(written: EmailDraft, ctx: EmailFrame): RenderedEmail {
  const lang = ctx.lang ?? DEFAULT_LANG;
  const footer = line(tr(FOOTER, lang).replace('{name}', ctx.profile.name));
  const subject = line(`[${ctx.profile.id.toUpperCase()}] ${written.subject}`);
  const draft: EmailDraft = {
    ...written,
    preheader: line(written.preheader),
    heading: line(written.heading),
    greeting: written.greeting === undefined ? undefined : line(written.greeting),
    blocks: written.blocks.map(cleanBlock),
  };
  const body = html`<!DOCTYPE html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="x-apple-disable-message-reformatting"><title>${subject}</title></head>
<body style="margin:0;padding:0;background:${C.bg};">
<span style="display:none;max-height:0;overflow:hidden;opacity:0;color:transparent;">${draft.preheader}</span>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:${C.bg};"><tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border:1px solid ${C.border};border-radius:8px;">
<tr><td style="padding:16px 20px;background:${C.brand};border-radius:8px 8px 0 0;font-family:Arial,Helvetica,sans-serif;font-size:14px;font-weight:bold;color:#ffffff;">${ctx.profile.name}</td></tr>
<tr><td style="padding:20px;">
<h1 style="margin:0 0 16px;font-family:Arial,Helvetica,sans-serif;font-size:22px;line-height:1.3;color:${C.text};">${draft.heading}</h1>
${draft.greeting ? html`<p style="margin:0 0 16px;${FONT}">${draft.greeting}</p>` : ''}
${draft.blocks.map(blockHtml)}
</td></tr>
<tr><td style="padding:14px 20px;border-top:1px solid ${C.border};font-family:Arial,Helvetica,sans-serif;font-size:12px;line-height:1.5;color:${C.muted};">${footer}</td></tr>
</table></td></tr></table>
</body></html>`;
  const text = [
    draft.heading,
    '='.repeat(Math.min(draft.heading.length, 70)),
    '',
    ...(draft.greeting ? [draft.greeting, ''] : []),
    ...draft.blocks.flatMap((b) => [blockText(b), '']),
    '--',
    footer,
    '',
  ].join('\n');
  return { subject, html: body.value, text };
}
