/**
 * Email renderers: every email exists in Bahasa Indonesia (default) and English, as HTML and plain text.
 *
 * Each renderer builds a list of content blocks once and renders it twice (HTML with inline CSS in a
 * single-column, 600px-max layout that reflows on a phone; plain text for clients that show no HTML), so
 * both versions always say the same thing. Every value that comes from a person (titles, names,
 * institutions, comments, issue messages) is escaped by the `html` template; no external asset is loaded.
 */

import {
  DEFAULT_LANG,
  DEFAULT_TIME_ZONE,
  daysBetween,
  formatDateTime,
  formatNumber,
  type Lang,
  type Text,
  tr,
} from '../i18n';
import type { ProposalStatus } from '../model';
import { html, multiline, type SafeHtml, safeHref } from './html';
import {
  categoryName,
  groupName,
  type ReviewProfile,
  type ScoringCriterion,
  sectionName,
  submissionDeadlineAt,
} from './profile';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** What every renderer needs besides its own content. */
export interface EmailContext {
  profile: ReviewProfile;
  /** Language of the email; Indonesian when omitted. */
  lang?: Lang;
  /** IANA time zone for dates; WIB (Asia/Jakarta) when omitted. */
  timeZone?: string;
}

/** The proposal facts an email shows (a stored `Proposal` is assignable). */
export interface ProposalInfo {
  id?: string;
  title?: string;
  institution?: string;
  category?: string;
  group?: string;
}

/** One finding of the validation step, as the validation report carries it. */
export interface ValidationIssue {
  code: string;
  severity: 'error' | 'warning' | 'info' | (string & {});
  section?: string;
  message: Text;
  /** How to fix it (the validator provides one); generic advice for the code is used otherwise. */
  hint?: Text;
}

// ---------------------------------------------------------------------------------------------- blocks

type Block =
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

interface EmailDraft {
  subject: string;
  preheader: string;
  heading: string;
  greeting?: string;
  blocks: Block[];
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

function finish(draft: EmailDraft, ctx: EmailContext): RenderedEmail {
  const lang = ctx.lang ?? DEFAULT_LANG;
  const footer = tr(FOOTER, lang).replace('{name}', ctx.profile.name);
  const subject = `[${ctx.profile.id.toUpperCase()}] ${draft.subject}`.replace(/[\r\n]+/g, ' ');
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

// ------------------------------------------------------------------------------------------ vocabulary

const L = {
  title: { id: 'Judul', en: 'Title' },
  institution: { id: 'Instansi', en: 'Institution' },
  category: { id: 'Kategori', en: 'Category' },
  group: { id: 'Kelompok', en: 'Group' },
  due: { id: 'Batas waktu', en: 'Due' },
  reference: { id: 'Nomor proposal', en: 'Reference' },
  file: { id: 'Berkas', en: 'File' },
  received: { id: 'Diterima', en: 'Received' },
  score: { id: 'Nilai akhir', en: 'Final score' },
  reviews: { id: 'Jumlah penilaian', en: 'Reviews' },
  status: { id: 'Status', en: 'Status' },
  untitled: { id: '(tanpa judul)', en: '(untitled)' },
  outOf100: { id: '{n} dari 100', en: '{n} out of 100' },
  fallback: {
    id: 'Jika tombol tidak berfungsi, salin alamat ini ke peramban Anda:',
    en: 'If the button does not work, copy this address into your browser:',
  },
  personal: {
    id: 'Tautan ini khusus untuk Anda dan berfungsi tanpa kata sandi; mohon jangan meneruskan email ini.',
    en: 'This link is personal and works without a password; please do not forward this email.',
  },
  linkValid: { id: 'Tautan berlaku hingga {date}.', en: 'The link works until {date}.' },
  dear: { id: 'Yth. Bapak/Ibu {name},', en: 'Dear {name},' },
} satisfies Record<string, Text>;

/** Labels of proposal statuses for people. */
export const STATUS_LABELS: Record<ProposalStatus, Text> = {
  RECEIVED: { id: 'Diterima', en: 'Received' },
  VALIDATING: { id: 'Sedang diperiksa', en: 'Being checked' },
  REJECTED: { id: 'Belum memenuhi syarat administrasi', en: 'Did not pass the administrative check' },
  ASSIGNING: { id: 'Penunjukan penilai', en: 'Assigning reviewers' },
  NEEDS_REVIEWERS: { id: 'Menunggu penilai', en: 'Waiting for reviewers' },
  IN_REVIEW: { id: 'Sedang dinilai', en: 'In review' },
  REVIEWED: { id: 'Selesai dinilai', en: 'Reviewed' },
  FAILED: { id: 'Gagal diproses', en: 'Processing failed' },
};

function fill(text: Text, lang: Lang, values: Record<string, string | number>): string {
  return tr(text, lang).replace(/\{(\w+)\}/g, (m, key: string) => (key in values ? String(values[key]) : m));
}

function titleOf(p: ProposalInfo, lang: Lang): string {
  return p.title?.trim() || tr(L.untitled, lang);
}

function proposalFacts(
  p: ProposalInfo,
  ctx: EmailContext,
  lang: Lang,
): Array<{ label: string; value: string }> {
  const rows = [{ label: tr(L.title, lang), value: titleOf(p, lang) }];
  if (p.institution) rows.push({ label: tr(L.institution, lang), value: p.institution });
  if (p.category) rows.push({ label: tr(L.category, lang), value: categoryName(ctx.profile, p.category) });
  if (p.group) rows.push({ label: tr(L.group, lang), value: groupName(ctx.profile, p.group) });
  return rows;
}

function criteriaList(criteria: ReadonlyArray<ScoringCriterion>, lang: Lang): string {
  return criteria.map((c) => tr(c.name, lang)).join(', ');
}

function linkBlocks(link: string, lang: Lang, label: Text): Block[] {
  return [{ kind: 'button', label: tr(label, lang), href: link, fallback: tr(L.fallback, lang) }];
}

// ------------------------------------------------------------------------------------------- reviewers

export interface ReviewTaskEmailInput extends EmailContext {
  reviewerName: string;
  proposal: ProposalInfo;
  dueAt: Date;
  /** The signed review link (buildReviewUrl). */
  link: string;
  /** When the link stops working, if it should be stated. */
  linkExpiresAt?: Date;
}

/** The invitation to review one proposal, with the one signed link that opens the task. */
export function reviewTaskEmail(input: ReviewTaskEmailInput): RenderedEmail {
  const lang = input.lang ?? DEFAULT_LANG;
  const tz = input.timeZone ?? DEFAULT_TIME_ZONE;
  const { scaleMin, scaleMax, criteria } = input.profile.scoring;
  const title = titleOf(input.proposal, lang);
  const due = formatDateTime(input.dueAt, lang, tz);
  const notes = [tr(L.personal, lang)];
  if (input.linkExpiresAt)
    notes.push(fill(L.linkValid, lang, { date: formatDateTime(input.linkExpiresAt, lang, tz) }));
  return finish(
    {
      subject: fill({ id: 'Permintaan penilaian: {title}', en: 'Review request: {title}' }, lang, { title }),
      preheader: fill({ id: 'Mohon jawab sebelum {due}.', en: 'Please respond before {due}.' }, lang, {
        due,
      }),
      heading: tr({ id: 'Permintaan penilaian proposal', en: 'Request to review a proposal' }, lang),
      greeting: fill(L.dear, lang, { name: input.reviewerName }),
      blocks: [
        {
          kind: 'paragraph',
          text: fill(
            {
              id: 'Anda diminta menilai proposal inovasi pelayanan publik berikut sebagai anggota Tim Evaluasi {name}.',
              en: 'You are invited to review the following public-service innovation proposal as a member of the evaluation team of {name}.',
            },
            lang,
            { name: input.profile.name },
          ),
        },
        {
          kind: 'facts',
          rows: [...proposalFacts(input.proposal, input, lang), { label: tr(L.due, lang), value: due }],
        },
        {
          kind: 'steps',
          title: tr({ id: 'Yang kami minta:', en: 'What we ask of you:' }, lang),
          items: [
            tr(
              {
                id: 'Buka tautan di bawah untuk melihat identitas proposal dan mengunduh berkasnya.',
                en: "Open the link below to see the proposal's details and download its file.",
              },
              lang,
            ),
            tr(
              {
                id: 'Terima atau tolak permintaan ini. Jika menolak, mohon tuliskan alasannya agar kami dapat segera menunjuk penilai lain.',
                en: 'Accept or decline this request. If you decline, please give a reason so that we can promptly assign another reviewer.',
              },
              lang,
            ),
            fill(
              {
                id: 'Jika menerima, beri nilai {min} sampai {max} untuk setiap kriteria ({criteria}), tambahkan catatan, lalu kirim.',
                en: 'If you accept, score each criterion from {min} to {max} ({criteria}), add a comment, and submit.',
              },
              lang,
              { min: scaleMin, max: scaleMax, criteria: criteriaList(criteria, lang) },
            ),
          ],
        },
        ...linkBlocks(input.link, lang, { id: 'Buka tugas penilaian', en: 'Open the review task' }),
        {
          kind: 'note',
          text: tr(
            {
              id: 'Jika Anda memiliki konflik kepentingan dengan instansi pengusul (misalnya bekerja di atau membimbing instansi tersebut), mohon tolak permintaan ini dan sebutkan alasannya.',
              en: 'If you have a conflict of interest with the submitting institution (for example you work for or advise it), please decline and say so.',
            },
            lang,
          ),
        },
        { kind: 'note', text: notes.join(' ') },
      ],
    },
    input,
  );
}

export interface ReminderEmailInput extends EmailContext {
  reviewerName: string;
  proposal: ProposalInfo;
  dueAt: Date;
  now: Date;
  /** A freshly signed link (so an extended deadline is honoured). */
  link: string;
  /** `before`: the due date is near; `overdue`: it has passed and the grace period runs. */
  kind: 'before' | 'overdue';
  /** PENDING: the reviewer has not answered the invitation yet; ACCEPTED: scores are awaited. */
  taskStatus: 'PENDING' | 'ACCEPTED';
}

/** A reminder before the due date or after it (during the grace period). */
export function reminderEmail(input: ReminderEmailInput): RenderedEmail {
  const lang = input.lang ?? DEFAULT_LANG;
  const tz = input.timeZone ?? DEFAULT_TIME_ZONE;
  const title = titleOf(input.proposal, lang);
  const due = formatDateTime(input.dueAt, lang, tz);
  const ask =
    input.taskStatus === 'PENDING'
      ? tr(
          {
            id: 'Anda belum menjawab permintaan ini. Mohon terima atau tolak melalui tautan di bawah; jika menolak, kami akan segera menunjuk penilai lain.',
            en: 'You have not answered this request yet. Please accept or decline through the link below; if you decline, we will promptly assign another reviewer.',
          },
          lang,
        )
      : tr(
          {
            id: 'Anda telah menerima tugas ini. Mohon isi nilai untuk setiap kriteria dan kirim melalui tautan di bawah.',
            en: 'You accepted this task. Please score each criterion and submit through the link below.',
          },
          lang,
        );
  let subject: string;
  let heading: string;
  let lead: string;
  if (input.kind === 'before') {
    const days = daysBetween(input.now, input.dueAt);
    const when =
      days <= 0
        ? tr({ id: 'hari ini', en: 'today' }, lang)
        : fill({ id: 'dalam {n} hari', en: days === 1 ? 'in 1 day' : 'in {n} days' }, lang, { n: days });
    subject = fill(
      {
        id: 'Pengingat: penilaian "{title}" jatuh tempo {when}',
        en: 'Reminder: review of "{title}" due {when}',
      },
      lang,
      {
        title,
        when,
      },
    );
    heading = tr({ id: 'Pengingat batas waktu penilaian', en: 'Review due date reminder' }, lang);
    lead = fill(
      {
        id: 'Penilaian Anda untuk proposal berikut jatuh tempo {when} ({due}).',
        en: 'Your review of the following proposal is due {when} ({due}).',
      },
      lang,
      { when, due },
    );
  } else {
    const graceEnd = new Date(input.dueAt.getTime() + input.profile.review.graceDays * 86_400_000);
    subject = fill({ id: 'Penilaian terlambat: {title}', en: 'Overdue review: {title}' }, lang, { title });
    heading = tr({ id: 'Batas waktu penilaian telah lewat', en: 'The review is past its due date' }, lang);
    lead = fill(
      {
        id: 'Batas waktu penilaian Anda untuk proposal berikut telah lewat ({due}). Anda masih dapat menyelesaikannya hingga {grace}; setelah itu tugas ini dialihkan ke penilai lain.',
        en: 'The due date of your review of the following proposal has passed ({due}). You can still complete it until {grace}; after that the task passes to another reviewer.',
      },
      lang,
      { due, grace: formatDateTime(graceEnd, lang, tz) },
    );
  }
  return finish(
    {
      subject,
      preheader: lead,
      heading,
      greeting: fill(L.dear, lang, { name: input.reviewerName }),
      blocks: [
        { kind: input.kind === 'overdue' ? 'callout' : 'paragraph', text: lead },
        {
          kind: 'facts',
          rows: [...proposalFacts(input.proposal, input, lang), { label: tr(L.due, lang), value: due }],
        },
        { kind: 'paragraph', text: ask },
        ...linkBlocks(input.link, lang, { id: 'Buka tugas penilaian', en: 'Open the review task' }),
        { kind: 'note', text: tr(L.personal, lang) },
      ],
    },
    input,
  );
}

// ------------------------------------------------------------------------------------------ submitters

export interface SubmitterReceivedEmailInput extends EmailContext {
  proposal: ProposalInfo & { id: string };
  receivedAt: Date;
  fileName?: string;
}

/** Acknowledges an upload: the proposal is in and being checked. */
export function submitterReceivedEmail(input: SubmitterReceivedEmailInput): RenderedEmail {
  const lang = input.lang ?? DEFAULT_LANG;
  const tz = input.timeZone ?? DEFAULT_TIME_ZONE;
  const name = input.proposal.title?.trim() || input.fileName || tr(L.untitled, lang);
  const rows = [{ label: tr(L.reference, lang), value: input.proposal.id }];
  if (input.proposal.title) rows.push({ label: tr(L.title, lang), value: input.proposal.title });
  if (input.proposal.institution)
    rows.push({ label: tr(L.institution, lang), value: input.proposal.institution });
  if (input.fileName) rows.push({ label: tr(L.file, lang), value: input.fileName });
  rows.push({ label: tr(L.received, lang), value: formatDateTime(input.receivedAt, lang, tz) });
  return finish(
    {
      subject: fill({ id: 'Proposal diterima: {name}', en: 'Proposal received: {name}' }, lang, { name }),
      preheader: tr({ id: 'Proposal Anda sedang diperiksa.', en: 'Your proposal is being checked.' }, lang),
      heading: tr({ id: 'Proposal Anda telah kami terima', en: 'We have received your proposal' }, lang),
      blocks: [
        {
          kind: 'paragraph',
          text: tr(
            {
              id: 'Terima kasih. Proposal Anda telah kami terima dan sedang diperiksa kelengkapannya. Anda akan menerima email berikutnya setelah pemeriksaan selesai.',
              en: 'Thank you. We have received your proposal and are checking that it is complete. You will receive another email when the check is done.',
            },
            lang,
          ),
        },
        { kind: 'facts', rows },
        {
          kind: 'note',
          text: tr(
            {
              id: 'Simpan nomor proposal ini untuk setiap korespondensi dengan panitia.',
              en: 'Keep this reference for any correspondence with the organisers.',
            },
            lang,
          ),
        },
      ],
    },
    input,
  );
}

/**
 * Advice for the issue codes of functions/lib/validation, used only when an issue carries no `hint` of
 * its own (the validator normally provides one).
 */
const FIX_ADVICE: Readonly<Record<string, Text>> = {
  WORD_LIMIT_EXCEEDED: {
    id: 'Ringkas bagian {section} hingga tidak melebihi batas jumlah kata, lalu unggah ulang.',
    en: 'Shorten the {section} section to the word limit, then upload again.',
  },
  SECTION_MISSING: {
    id: 'Tambahkan bagian {section} dengan judul bagian yang sama seperti pada formulir, isi sesuai petunjuk, lalu unggah ulang.',
    en: 'Add the {section} section, headed as in the form, fill it in as instructed, then upload again.',
  },
  SECTION_EMPTY: {
    id: 'Isi bagian {section} sesuai petunjuk formulir, lalu unggah ulang.',
    en: 'Fill in the {section} section as the form instructs, then upload again.',
  },
  DUPLICATE_TITLE: {
    id: 'Judul ini sudah dipakai proposal lain. Gunakan judul yang berbeda, atau hubungi panitia bila proposal lama harus ditarik.',
    en: 'Another proposal already has this title. Use a distinct title, or ask the organisers to withdraw the older proposal.',
  },
  QUOTA_EXCEEDED: {
    id: 'Instansi Anda telah mencapai kuota proposal untuk kelompok ini. Koordinasikan dengan admin instansi proposal mana yang diajukan.',
    en: 'Your institution has reached its quota for this group. Agree with your institution admin which proposals to submit.',
  },
  INNOVATION_TOO_YOUNG: {
    id: 'Inovasi harus sudah berjalan selama masa minimum kelompoknya. Periksa tanggal mulai inovasi; jika tanggalnya keliru, perbaiki lalu unggah ulang.',
    en: "The innovation must have run for its group's minimum time. Check its start date; if the date is wrong, correct it and upload again.",
  },
  FILE_TOO_LARGE: {
    id: 'Perkecil ukuran berkas (misalnya kompres gambar atau simpan ulang sebagai PDF) hingga di bawah batas, lalu unggah ulang.',
    en: 'Make the file smaller (for example compress images or save it again as PDF) to below the limit, then upload again.',
  },
  FORMAT_UNSUPPORTED: {
    id: 'Simpan proposal dalam format yang diterima (DOCX atau PDF) lalu unggah ulang.',
    en: 'Save the proposal in an accepted format (DOCX or PDF) and upload again.',
  },
};

const GENERIC_FIX: Text = {
  id: 'Perbaiki hal di atas pada berkas proposal, lalu unggah ulang.',
  en: 'Correct the point above in the proposal file, then upload it again.',
};

/** How to fix an issue, in the language: the issue's own hint, else the advice for its code. */
export function fixAdvice(issue: ValidationIssue, profile: ReviewProfile, lang: Lang = DEFAULT_LANG): string {
  if (issue.hint) return tr(issue.hint, lang);
  const section = issue.section ? `"${sectionName(profile, issue.section)}"` : '';
  return fill(FIX_ADVICE[issue.code] ?? GENERIC_FIX, lang, { section })
    .replace(/\s{2,}/g, ' ')
    .trim();
}

export interface SubmitterRejectedEmailInput extends EmailContext {
  proposal: ProposalInfo & { id: string };
  issues: readonly ValidationIssue[];
}

/** The proposal did not pass the administrative check: each problem and how to fix it. */
export function submitterRejectedEmail(input: SubmitterRejectedEmailInput): RenderedEmail {
  const lang = input.lang ?? DEFAULT_LANG;
  const tz = input.timeZone ?? DEFAULT_TIME_ZONE;
  const title = titleOf(input.proposal, lang);
  const errors = input.issues.filter((i) => i.severity === 'error');
  const others = input.issues.filter((i) => i.severity !== 'error');
  const deadline = submissionDeadlineAt(input.profile);
  const blocking = errors.length || input.issues.length;
  const item = (issue: ValidationIssue, tone: 'error' | 'warning') => ({
    tone,
    badge: tr(
      tone === 'error' ? { id: 'Wajib diperbaiki', en: 'Must fix' } : { id: 'Saran', en: 'Suggestion' },
      lang,
    ),
    where: issue.section ? sectionName(input.profile, issue.section) : undefined,
    title: tr(issue.message, lang),
    fix: fixAdvice(issue, input.profile, lang),
  });
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: fill(
        {
          id: 'Proposal Anda belum dapat diteruskan ke Tim Evaluasi karena {n} masalah berikut. Perbaiki setiap masalah, lalu unggah kembali proposal yang sudah diperbaiki.',
          en:
            blocking === 1
              ? 'Your proposal cannot go to the evaluation team yet because of the problem below. Fix it, then upload the corrected proposal again.'
              : 'Your proposal cannot go to the evaluation team yet because of the {n} problems below. Fix each one, then upload the corrected proposal again.',
        },
        lang,
        { n: blocking },
      ),
    },
    {
      kind: 'facts',
      rows: [
        { label: tr(L.reference, lang), value: input.proposal.id },
        ...proposalFacts(input.proposal, input, lang),
      ],
    },
  ];
  if (errors.length) blocks.push({ kind: 'issues', items: errors.map((i) => item(i, 'error')) });
  if (others.length) {
    blocks.push({
      kind: 'paragraph',
      text: tr(
        {
          id: 'Hal berikut tidak menghalangi, tetapi sebaiknya diperbaiki juga:',
          en: 'The following do not block the proposal, but are worth fixing too:',
        },
        lang,
      ),
    });
    blocks.push({ kind: 'issues', items: others.map((i) => item(i, 'warning')) });
  }
  if (deadline) {
    blocks.push({
      kind: 'callout',
      text: fill(
        {
          id: 'Proposal yang sudah diperbaiki harus diunggah sebelum batas akhir pengajuan: {date}.',
          en: 'The corrected proposal must be uploaded before the submission deadline: {date}.',
        },
        lang,
        { date: formatDateTime(deadline, lang, tz) },
      ),
    });
  }
  return finish(
    {
      subject: fill(
        { id: 'Proposal perlu diperbaiki: {title}', en: 'Proposal needs corrections: {title}' },
        lang,
        { title },
      ),
      preheader: tr(
        { id: 'Daftar perbaikan untuk proposal Anda.', en: 'What to correct in your proposal.' },
        lang,
      ),
      heading: tr(
        {
          id: 'Proposal belum memenuhi syarat administrasi',
          en: 'The proposal did not pass the administrative check',
        },
        lang,
      ),
      blocks,
    },
    input,
  );
}

export interface ResultSummary {
  score: number;
  mean?: number;
  spread: number;
  reviews: number;
  disagreement: boolean;
  stdev?: number;
}

export interface SubmitterResultEmailInput extends EmailContext {
  proposal: ProposalInfo & { id: string };
  result: Pick<ResultSummary, 'score' | 'reviews'>;
  status?: ProposalStatus;
}

/** The evaluation team has finished: the final score and the status. */
export function submitterResultEmail(input: SubmitterResultEmailInput): RenderedEmail {
  const lang = input.lang ?? DEFAULT_LANG;
  const title = titleOf(input.proposal, lang);
  const score = formatNumber(input.result.score, lang);
  return finish(
    {
      subject: fill({ id: 'Hasil penilaian: {title}', en: 'Review result: {title}' }, lang, { title }),
      preheader: fill(L.outOf100, lang, { n: score }),
      heading: tr({ id: 'Hasil penilaian proposal Anda', en: 'The result of your review' }, lang),
      blocks: [
        {
          kind: 'paragraph',
          text: tr(
            {
              id: 'Tim Evaluasi telah selesai menilai proposal Anda.',
              en: 'The evaluation team has finished reviewing your proposal.',
            },
            lang,
          ),
        },
        {
          kind: 'facts',
          rows: [
            { label: tr(L.reference, lang), value: input.proposal.id },
            ...proposalFacts(input.proposal, input, lang),
            { label: tr(L.score, lang), value: fill(L.outOf100, lang, { n: score }) },
            { label: tr(L.reviews, lang), value: String(input.result.reviews) },
            { label: tr(L.status, lang), value: tr(STATUS_LABELS[input.status ?? 'REVIEWED'], lang) },
          ],
        },
        {
          kind: 'note',
          text: tr(
            {
              id: 'Nilai akhir adalah rata-rata nilai tertimbang dari para penilai (skala 0-100). Penetapan finalis dilakukan oleh Tim Panel Independen dan diumumkan tersendiri.',
              en: "The final score is the mean of the reviewers' weighted scores (0-100). Finalists are chosen by the independent panel and announced separately.",
            },
            lang,
          ),
        },
      ],
    },
    input,
  );
}

// ------------------------------------------------------------------------------------------------- ops

export interface OpsNeedsReviewersEmailInput extends EmailContext {
  proposal: ProposalInfo & { id: string };
  /** What is missing, as the assignment step states it. */
  gap: string | Text;
  needed?: number;
  assigned?: number;
  /** Commands that resume the proposal once reviewers are available, shown as written. */
  commands?: readonly string[];
}

/** Ops must act: not enough eligible reviewers for a proposal. */
export function opsNeedsReviewersEmail(input: OpsNeedsReviewersEmailInput): RenderedEmail {
  const lang = input.lang ?? DEFAULT_LANG;
  const title = titleOf(input.proposal, lang);
  const gap = typeof input.gap === 'string' ? input.gap : tr(input.gap, lang);
  const rows = [
    { label: tr(L.reference, lang), value: input.proposal.id },
    ...proposalFacts(input.proposal, input, lang),
  ];
  if (input.needed !== undefined) {
    rows.push({
      label: tr({ id: 'Penilai', en: 'Reviewers' }, lang),
      value: fill({ id: '{a} dari {n} yang dibutuhkan', en: '{a} of {n} needed' }, lang, {
        a: input.assigned ?? 0,
        n: input.needed,
      }),
    });
  }
  rows.push({ label: tr({ id: 'Kekurangan', en: 'Gap' }, lang), value: gap });
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: tr(
        {
          id: 'Sistem tidak menemukan cukup penilai yang memenuhi syarat (keahlian sesuai, tanpa konflik kepentingan, kapasitas tersedia) untuk proposal berikut. Penilaiannya menunggu tindakan Anda.',
          en: 'Not enough eligible reviewers (matching expertise, no conflict of interest, spare capacity) were found for the proposal below. Its review waits for you.',
        },
        lang,
      ),
    },
    { kind: 'facts', rows },
    {
      kind: 'paragraph',
      text: tr(
        {
          id: 'Tambahkan penilai atau naikkan kapasitas penilai yang ada, lalu lanjutkan prosesnya.',
          en: 'Add reviewers or raise the capacity of existing ones, then resume the proposal.',
        },
        lang,
      ),
    },
  ];
  if (input.commands?.length) {
    blocks.push({
      kind: 'code',
      title: tr({ id: 'Perintah untuk melanjutkan:', en: 'Commands to resume:' }, lang),
      lines: input.commands,
    });
  }
  return finish(
    {
      subject: fill({ id: 'Penilai kurang: {title}', en: 'Reviewers needed: {title}' }, lang, { title }),
      preheader: gap,
      heading: tr({ id: 'Proposal menunggu penilai', en: 'A proposal is waiting for reviewers' }, lang),
      blocks,
    },
    input,
  );
}

export interface OpsReviewedEmailInput extends EmailContext {
  proposal: ProposalInfo & { id: string };
  result: ResultSummary;
  /** The individual reviews, shown in a table. */
  reviews?: ReadonlyArray<{ reviewerName: string; score: number; comment?: string }>;
}

/** Ops summary when a proposal is fully reviewed, flagging reviewer disagreement. */
export function opsReviewedEmail(input: OpsReviewedEmailInput): RenderedEmail {
  const lang = input.lang ?? DEFAULT_LANG;
  const title = titleOf(input.proposal, lang);
  const { result } = input;
  const score = formatNumber(result.score, lang);
  const rows = [
    { label: tr(L.reference, lang), value: input.proposal.id },
    ...proposalFacts(input.proposal, input, lang),
    { label: tr(L.score, lang), value: fill(L.outOf100, lang, { n: score }) },
    { label: tr(L.reviews, lang), value: String(result.reviews) },
    {
      label: tr({ id: 'Selisih nilai (maks - min)', en: 'Spread (max - min)' }, lang),
      value: formatNumber(result.spread, lang),
    },
  ];
  if (result.stdev !== undefined) {
    rows.push({
      label: tr({ id: 'Simpangan baku', en: 'Standard deviation' }, lang),
      value: formatNumber(result.stdev, lang),
    });
  }
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: tr(
        {
          id: 'Semua penilaian untuk proposal berikut telah masuk.',
          en: 'All reviews of the following proposal are in.',
        },
        lang,
      ),
    },
  ];
  if (result.disagreement) {
    blocks.push({
      kind: 'callout',
      text: fill(
        {
          id: 'Nilai para penilai sangat berbeda: selisihnya {spread} poin, melebihi ambang {threshold}. Pertimbangkan penilaian tambahan atau pembahasan oleh panel.',
          en: 'The reviewers disagree: their scores differ by {spread} points, more than the threshold of {threshold}. Consider another review or a panel discussion.',
        },
        lang,
        { spread: formatNumber(result.spread, lang), threshold: input.profile.review.disagreementThreshold },
      ),
    });
  }
  blocks.push({ kind: 'facts', rows });
  if (input.reviews?.length) {
    blocks.push({
      kind: 'table',
      head: [
        tr({ id: 'Penilai', en: 'Reviewer' }, lang),
        tr({ id: 'Nilai', en: 'Score' }, lang),
        tr({ id: 'Catatan', en: 'Comment' }, lang),
      ],
      rows: input.reviews.map((r) => [r.reviewerName, formatNumber(r.score, lang), r.comment ?? '']),
    });
  }
  return finish(
    {
      subject:
        fill({ id: 'Selesai dinilai: {title} ({score})', en: 'Reviewed: {title} ({score})' }, lang, {
          title,
          score,
        }) +
        (result.disagreement ? tr({ id: ' - nilai berbeda jauh', en: ' - reviewers disagree' }, lang) : ''),
      preheader: fill(L.outOf100, lang, { n: score }),
      heading: tr({ id: 'Proposal selesai dinilai', en: 'Proposal reviewed' }, lang),
      blocks,
    },
    input,
  );
}
