/**
 * Server-rendered pages of the reviewer's task: invitation, score form, receipt and errors.
 *
 * - No JavaScript and no external asset: one hashed <style> block, so the Content-Security-Policy can
 *   forbid everything else (`default-src 'none'`). Readable on a phone (fluid single column, 44px targets).
 * - Credentials: the signed query string (`?r=&e=&s=`) is the only credential. There is no cookie or
 *   session, so a cross-site request cannot borrow one (no CSRF surface): every form posts, urlencoded, to
 *   the same signed URL it was served from (pass `actionUrl` = `?` + the signed query string), carrying
 *   a hidden `action` field (accept | decline | submit).
 * - `Referrer-Policy: no-referrer` keeps the signed URL out of the Referer sent with the file download.
 * - Every value that comes from a person is escaped by the `html` template.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_LANG, formatDateTime, formatNumber, type Lang, type Text, tr } from '../i18n';
import { type FieldError, FORM_LIMITS } from './form';
import { type HtmlValue, html, multiline, raw, type SafeHtml, safeHref } from './html';
import { categoryName, groupName, type ReviewProfile, timeZoneOf } from './profile';

export interface RenderedPage {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface PageContext {
  profile: Pick<ReviewProfile, 'name' | 'categories' | 'groups' | 'scoring' | 'timeZone'>;
  lang?: Lang;
  timeZone?: string;
}

export interface PageProposal {
  title?: string;
  institution?: string;
  category?: string;
  group?: string;
  /** The proposal's summary (Ringkasan) text. */
  summary?: string;
}

const CSS = `*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f5f7fa;color:#1f2933;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
header{background:#0b5394;color:#fff;padding:12px 16px;font-weight:600}
main{max-width:44rem;margin:0 auto;padding:16px}
.card{background:#fff;border:1px solid #d9e2ec;border-radius:8px;padding:16px;margin:0 0 16px}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 12px;overflow-wrap:anywhere}
h2{font-size:1.15rem;line-height:1.3;margin:0 0 8px}
p{margin:0 0 12px}
dl{display:grid;grid-template-columns:minmax(7rem,35%) 1fr;gap:6px 12px;margin:0}
dt{color:#52606d}
dd{margin:0;overflow-wrap:anywhere}
@media (max-width:30rem){dl{grid-template-columns:1fr;gap:0}dd{margin-bottom:8px}}
.summary{overflow-wrap:anywhere}
.btn{display:inline-block;min-height:44px;padding:11px 20px;border-radius:6px;border:2px solid #0b5394;font:inherit;font-weight:600;cursor:pointer;text-decoration:none;text-align:center}
.btn-primary{background:#0b5394;color:#fff}
.btn-secondary{background:#fff;color:#0b5394}
.btn-danger{background:#fff;color:#8a1c1c;border-color:#8a1c1c}
.btn:focus-visible,textarea:focus-visible{outline:3px solid #f0b429;outline-offset:2px}
.actions{display:flex;flex-wrap:wrap;gap:12px}
label.block{display:block;font-weight:600;margin:0 0 6px}
textarea{display:block;width:100%;min-height:7rem;font:inherit;padding:8px;border:1px solid #9aa5b1;border-radius:6px;margin:0 0 12px}
fieldset{border:1px solid #d9e2ec;border-radius:8px;margin:0 0 12px;padding:12px}
legend{font-weight:600;padding:0 4px}
.scale{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0}
.scale label{position:relative}
.scale input{position:absolute;opacity:0;width:1px;height:1px}
.scale span{display:flex;align-items:center;justify-content:center;min-width:44px;min-height:44px;border:1px solid #9aa5b1;border-radius:6px;background:#fff;cursor:pointer}
.scale input:checked+span{background:#0b5394;border-color:#0b5394;color:#fff;font-weight:700}
.scale input:focus-visible+span{outline:3px solid #f0b429;outline-offset:2px}
.invalid{border-color:#8a1c1c}
.error{color:#8a1c1c;font-weight:600}
.alert{background:#fdecea;border-left:4px solid #8a1c1c;padding:12px;margin:0 0 16px}
.ok{background:#e3f9e5;border-left:4px solid #207227;padding:12px;margin:0 0 16px}
.muted{color:#52606d;font-size:.9rem}
.big{font-size:2rem;font-weight:700}
.status{display:inline-block;padding:2px 10px;border-radius:12px;font-size:.85rem;font-weight:600;background:#e4e7eb;color:#1f2933}
.status-good{background:#e3f9e5;color:#207227}
.status-bad{background:#fdecea;color:#8a1c1c}
ul.rows{list-style:none;padding:0;margin:0}
ul.rows>li{border-top:1px solid #d9e2ec;padding:12px 0}
ul.rows>li:first-child{border-top:0;padding-top:0}
input[type=file]{display:block;width:100%;min-height:44px;padding:12px;border:2px dashed #9aa5b1;border-radius:6px;background:#fff;margin:0 0 12px;font:inherit}
input[type=file]:focus-visible{outline:3px solid #f0b429;outline-offset:2px}
table{width:100%;border-collapse:collapse;margin:0 0 12px}
th,td{text-align:left;padding:6px 4px;border-bottom:1px solid #d9e2ec;vertical-align:top}
td.num,th.num{text-align:right;white-space:nowrap}
.nav{display:flex;flex-wrap:wrap;gap:8px 16px;margin:0 0 16px}
.nav a{color:#0b5394;font-weight:600}`;

const STYLE_HASH = createHash('sha256').update(CSS).digest('base64');

/**
 * Headers a page is served with. `formActions` names the origins its forms may post to besides itself (the
 * portal's upload forms post straight to the bucket).
 */
export function pageHeaders(formActions: readonly string[] = []): Record<string, string> {
  const targets = ["'self'", ...formActions].join(' ');
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; img-src data:; form-action ${targets}; frame-ancestors 'none'; base-uri 'none'`,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'x-robots-tag': 'noindex, nofollow',
  };
}

/** Headers every review page is served with. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = pageHeaders();

const L = {
  institution: { id: 'Instansi', en: 'Institution' },
  category: { id: 'Kategori', en: 'Category' },
  group: { id: 'Kelompok', en: 'Group' },
  due: { id: 'Batas waktu', en: 'Due' },
  summary: { id: 'Ringkasan', en: 'Summary' },
  untitled: { id: '(tanpa judul)', en: '(untitled)' },
  weight: { id: 'bobot {w}%', en: 'weight {w}%' },
} satisfies Record<string, Text>;

/** A criterion's share of the total weight, in percent (weights need not sum to 100). */
function weightShare(weight: number, criteria: ReadonlyArray<{ weight: number }>): number {
  const total = criteria.reduce((sum, c) => sum + c.weight, 0);
  return total > 0 ? Math.round((weight / total) * 1000) / 10 : 0;
}

function fill(text: Text, lang: Lang, values: Record<string, string | number>): string {
  return tr(text, lang).replace(/\{(\w+)\}/g, (m, key: string) => (key in values ? String(values[key]) : m));
}

export interface LayoutOptions {
  /** Origins the page's forms may post to besides itself. */
  formActions?: readonly string[];
  /** Reload the page after this many seconds (a status that is about to change). */
  refreshSeconds?: number;
}

/** The shared page shell: one hashed stylesheet, no script, the site's name as header. */
export function renderLayout(
  statusCode: number,
  lang: Lang,
  siteName: string | undefined,
  title: string,
  content: HtmlValue,
  options: LayoutOptions = {},
): RenderedPage {
  const body = html`<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex,nofollow">
${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}">` : ''}
<title>${title}${siteName ? ` - ${siteName}` : ''}</title>
<style>${raw(CSS)}</style>
</head>
<body>
${siteName ? html`<header>${siteName}</header>` : ''}
<main>
${content}
</main>
</body>
</html>
`;
  return { statusCode, headers: pageHeaders(options.formActions), body: body.value };
}

const page = (
  statusCode: number,
  lang: Lang,
  siteName: string | undefined,
  title: string,
  content: HtmlValue,
) => renderLayout(statusCode, lang, siteName, title, content);

function titleOf(p: PageProposal, lang: Lang): string {
  return p.title?.trim() || tr(L.untitled, lang);
}

function facts(p: PageProposal, ctx: PageContext, lang: Lang, extra: Array<[string, string]> = []): SafeHtml {
  const rows: Array<[string, string]> = [];
  if (p.institution) rows.push([tr(L.institution, lang), p.institution]);
  if (p.group) rows.push([tr(L.group, lang), groupName(ctx.profile, p.group)]);
  if (p.category) rows.push([tr(L.category, lang), categoryName(ctx.profile, p.category)]);
  rows.push(...extra);
  return html`<dl>${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

/** Paragraphs of a free text, blank lines separating them. */
function paragraphs(text: string): SafeHtml {
  return html`${text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => html`<p>${multiline(p)}</p>`)}`;
}

// -------------------------------------------------------------------------------------------- invite

export interface InvitePageInput extends PageContext {
  proposal: PageProposal;
  /** Short-lived presigned URL of the proposal file. */
  downloadUrl?: string;
  dueAt: Date;
  /** Where the forms post: `?` + the signed query string. */
  actionUrl: string;
  reviewerName?: string;
  /** Errors of a previous decline attempt, and the reason typed then. */
  errors?: readonly FieldError[];
  reason?: string;
}

/** The first page a reviewer sees: the proposal, the file, the due date, and Accept / Decline. */
export function renderInvitePage(input: InvitePageInput): RenderedPage {
  const lang = input.lang ?? DEFAULT_LANG;
  const tz = timeZoneOf(input);
  const title = titleOf(input.proposal, lang);
  const { scaleMin, scaleMax, criteria } = input.profile.scoring;
  const reasonError = input.errors?.find((e) => e.field === 'reason');
  const otherErrors = input.errors?.filter((e) => e.field !== 'reason') ?? [];
  const content = html`
<section class="card">
<p class="muted">${tr({ id: 'Permintaan penilaian proposal', en: 'Request to review a proposal' }, lang)}</p>
<h1>${title}</h1>
${facts(input.proposal, input, lang, [[tr(L.due, lang), formatDateTime(input.dueAt, lang, tz)]])}
</section>
${otherErrors.length ? html`<div class="alert" role="alert">${otherErrors.map((e) => html`<p>${tr(e.message, lang)}</p>`)}</div>` : ''}
${
  input.proposal.summary?.trim()
    ? html`<section class="card"><h2>${tr(L.summary, lang)}</h2><div class="summary">${paragraphs(input.proposal.summary)}</div></section>`
    : ''
}
<section class="card">
<h2>${tr({ id: 'Berkas proposal', en: 'Proposal file' }, lang)}</h2>
${
  input.downloadUrl
    ? html`<p><a class="btn btn-secondary" href="${safeHref(input.downloadUrl)}" rel="noreferrer noopener" download>${tr({ id: 'Unduh berkas proposal', en: 'Download the proposal file' }, lang)}</a></p>
<p class="muted">${tr({ id: 'Tautan unduhan hanya berlaku sebentar. Jika sudah tidak berfungsi, muat ulang halaman ini.', en: 'The download link works for a short time only. If it has stopped working, reload this page.' }, lang)}</p>`
    : html`<p class="muted">${tr({ id: 'Berkas belum tersedia. Muat ulang halaman ini beberapa saat lagi.', en: 'The file is not available yet. Reload this page in a moment.' }, lang)}</p>`
}
</section>
<section class="card">
<h2>${tr({ id: 'Yang akan Anda nilai', en: 'What you will score' }, lang)}</h2>
<p>${fill({ id: 'Setiap kriteria dinilai dengan angka bulat {min} sampai {max}:', en: 'Each criterion is scored with a whole number from {min} to {max}:' }, lang, { min: scaleMin, max: scaleMax })}</p>
<ul>${criteria.map((c) => html`<li>${tr(c.name, lang)} <span class="muted">(${fill(L.weight, lang, { w: weightShare(c.weight, criteria) })})</span></li>`)}</ul>
</section>
<section class="card">
<h2>${tr({ id: 'Bersedia menilai?', en: 'Will you review it?' }, lang)}</h2>
<form method="post" action="${input.actionUrl}">
<input type="hidden" name="action" value="accept">
<p>${tr({ id: 'Dengan menerima, Anda menyatakan tidak memiliki konflik kepentingan dengan instansi pengusul.', en: 'By accepting you declare that you have no conflict of interest with the submitting institution.' }, lang)}</p>
<button class="btn btn-primary" type="submit">${tr({ id: 'Terima dan mulai menilai', en: 'Accept and start reviewing' }, lang)}</button>
</form>
</section>
<section class="card">
<h2>${tr({ id: 'Tidak dapat menilai?', en: 'Cannot review it?' }, lang)}</h2>
<form method="post" action="${input.actionUrl}">
<input type="hidden" name="action" value="decline">
<label class="block" for="reason">${tr({ id: 'Alasan menolak (misalnya konflik kepentingan, di luar keahlian, tidak ada waktu)', en: 'Reason for declining (for example a conflict of interest, outside your expertise, no time)' }, lang)}</label>
${reasonError ? html`<p class="error" id="reason-error">${tr(reasonError.message, lang)}</p>` : ''}
<textarea id="reason" name="reason" required minlength="${FORM_LIMITS.minReasonChars}" maxlength="${FORM_LIMITS.maxReasonChars}"${reasonError ? raw(' class="invalid" aria-invalid="true" aria-describedby="reason-error"') : ''}>${input.reason ?? ''}</textarea>
<button class="btn btn-danger" type="submit">${tr({ id: 'Tolak permintaan', en: 'Decline the request' }, lang)}</button>
</form>
</section>`;
  return page(otherErrors.length || reasonError ? 422 : 200, lang, input.profile.name, title, content);
}

// ---------------------------------------------------------------------------------------- score form

export interface ScoreFormInput extends PageContext {
  proposal: PageProposal;
  actionUrl: string;
  dueAt?: Date;
  downloadUrl?: string;
  /** Values typed before (re-rendering after errors). */
  values?: { scores?: Record<string, string | number | undefined>; comment?: string };
  errors?: readonly FieldError[];
}

/** The score form: each criterion on the profile's scale, a comment, submit. */
export function renderScoreForm(input: ScoreFormInput): RenderedPage {
  const lang = input.lang ?? DEFAULT_LANG;
  const tz = timeZoneOf(input);
  const title = titleOf(input.proposal, lang);
  const { scaleMin, scaleMax, criteria } = input.profile.scoring;
  const errors = input.errors ?? [];
  const errorFor = (field: string) => errors.find((e) => e.field === field);
  const steps: number[] = [];
  for (let v = scaleMin; v <= scaleMax; v++) steps.push(v);
  const extra: Array<[string, string]> = input.dueAt
    ? [[tr(L.due, lang), formatDateTime(input.dueAt, lang, tz)]]
    : [];

  const fieldsets = criteria.map((c, index) => {
    const field = `scores.${c.id}`;
    const error = errorFor(field);
    const chosen = input.values?.scores?.[c.id];
    const errorId = `err-${index}`;
    return html`<fieldset${error ? raw(' class="invalid"') : ''}${error ? html` aria-describedby="${errorId}"` : ''}>
<legend>${tr(c.name, lang)} <span class="muted">(${fill(L.weight, lang, { w: weightShare(c.weight, criteria) })})</span></legend>
${error ? html`<p class="error" id="${errorId}">${tr(error.message, lang)}</p>` : ''}
<div class="scale">${steps.map(
      (v) =>
        html`<label><input type="radio" name="${field}" value="${v}" required${String(chosen) === String(v) ? raw(' checked') : ''}><span>${v}</span></label>`,
    )}</div>
</fieldset>`;
  });
  const commentError = errorFor('comment');
  const general = errors.filter((e) => e.field !== 'comment' && !e.field.startsWith('scores.'));
  const content = html`
<section class="card">
<p class="muted">${tr({ id: 'Formulir penilaian', en: 'Review form' }, lang)}</p>
<h1>${title}</h1>
${facts(input.proposal, input, lang, extra)}
${input.downloadUrl ? html`<p><a class="btn btn-secondary" href="${safeHref(input.downloadUrl)}" rel="noreferrer noopener" download>${tr({ id: 'Unduh berkas proposal', en: 'Download the proposal file' }, lang)}</a></p>` : ''}
</section>
${
  errors.length
    ? html`<div class="alert" role="alert"><p><strong>${tr({ id: 'Periksa kembali isian yang ditandai.', en: 'Please check the marked fields.' }, lang)}</strong></p>${general.map((e) => html`<p>${tr(e.message, lang)}</p>`)}</div>`
    : ''
}
<form method="post" action="${input.actionUrl}" class="card">
<input type="hidden" name="action" value="submit">
<p>${fill({ id: 'Beri nilai {min} (sangat kurang) sampai {max} (sangat baik) untuk setiap kriteria.', en: 'Score each criterion from {min} (very poor) to {max} (excellent).' }, lang, { min: scaleMin, max: scaleMax })}</p>
${fieldsets}
<label class="block" for="comment">${tr({ id: 'Catatan untuk panitia (tidak wajib)', en: 'Comment for the organisers (optional)' }, lang)}</label>
${commentError ? html`<p class="error" id="comment-error">${tr(commentError.message, lang)}</p>` : ''}
<textarea id="comment" name="comment" maxlength="${FORM_LIMITS.maxCommentChars}"${commentError ? raw(' class="invalid" aria-invalid="true" aria-describedby="comment-error"') : ''}>${input.values?.comment ?? ''}</textarea>
<p class="muted">${tr({ id: 'Nilai tidak dapat diubah setelah dikirim.', en: 'Scores cannot be changed once submitted.' }, lang)}</p>
<button class="btn btn-primary" type="submit">${tr({ id: 'Kirim penilaian', en: 'Submit the review' }, lang)}</button>
</form>`;
  return page(errors.length ? 422 : 200, lang, input.profile.name, title, content);
}

// ------------------------------------------------------------------------------------------- receipt

export type ReceiptDecision =
  | { action: 'decline'; at: Date; reason: string }
  | { action: 'submit'; at: Date; scores: Record<string, number>; comment?: string; weightedScore?: number };

export interface ReceiptInput extends PageContext {
  proposal: PageProposal;
  decision: ReceiptDecision;
}

/** What was recorded and when. */
export function renderReceipt(input: ReceiptInput): RenderedPage {
  const lang = input.lang ?? DEFAULT_LANG;
  const tz = timeZoneOf(input);
  const title = titleOf(input.proposal, lang);
  const d = input.decision;
  const at = formatDateTime(d.at, lang, tz);
  let body: SafeHtml;
  if (d.action === 'decline') {
    body = html`<div class="ok" role="status"><p>${fill({ id: 'Anda menolak permintaan ini pada {at}. Kami akan menunjuk penilai lain.', en: 'You declined this request on {at}. We will assign another reviewer.' }, lang, { at })}</p></div>
<h2>${tr({ id: 'Alasan Anda', en: 'Your reason' }, lang)}</h2>
${paragraphs(d.reason)}`;
  } else {
    const criteria = input.profile.scoring.criteria;
    body = html`<div class="ok" role="status"><p>${fill({ id: 'Penilaian Anda diterima pada {at}. Terima kasih.', en: 'Your review was received on {at}. Thank you.' }, lang, { at })}</p></div>
<dl>${criteria.map((c) => html`<dt>${tr(c.name, lang)}</dt><dd>${d.scores[c.id] ?? '-'}</dd>`)}${
      d.weightedScore !== undefined
        ? html`<dt>${tr({ id: 'Nilai tertimbang', en: 'Weighted score' }, lang)}</dt><dd><strong>${formatNumber(d.weightedScore, lang)}</strong> / 100</dd>`
        : ''
    }</dl>
${d.comment ? html`<h2>${tr({ id: 'Catatan Anda', en: 'Your comment' }, lang)}</h2>${paragraphs(d.comment)}` : ''}`;
  }
  const content = html`<section class="card">
<p class="muted">${tr({ id: 'Tanda terima', en: 'Receipt' }, lang)}</p>
<h1>${title}</h1>
${facts(input.proposal, input, lang)}
</section>
<section class="card">${body}</section>
<p class="muted">${tr({ id: 'Simpan atau cetak halaman ini sebagai bukti.', en: 'Keep or print this page as your record.' }, lang)}</p>`;
  return page(200, lang, input.profile.name, title, content);
}

// -------------------------------------------------------------------------------------------- errors

export const ERROR_KINDS = [
  'malformed',
  'forged',
  'expired',
  'used',
  'not-found',
  'closed',
  'bad-request',
  'method',
  'unavailable',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** The HTTP status each error page is meant to be served with. */
export const ERROR_STATUS: Record<ErrorKind, number> = {
  malformed: 400,
  forged: 403,
  expired: 410,
  used: 409,
  'not-found': 404,
  closed: 410,
  'bad-request': 400,
  method: 405,
  unavailable: 503,
};

const ERRORS: Record<ErrorKind, { title: Text; body: Text }> = {
  malformed: {
    title: { id: 'Tautan tidak lengkap', en: 'The link is incomplete' },
    body: {
      id: 'Alamat yang Anda buka terpotong atau berubah. Buka kembali tautan dari email Anda; jika email memecah tautan menjadi beberapa baris, salin seluruhnya.',
      en: 'The address you opened is cut short or altered. Open the link from your email again; if the email broke it over several lines, copy all of it.',
    },
  },
  forged: {
    title: { id: 'Tautan tidak sah', en: 'The link is not valid' },
    body: {
      id: 'Tautan ini tidak dikeluarkan oleh sistem penilaian atau telah diubah. Gunakan tautan persis seperti di email Anda.',
      en: 'This link was not issued by the review system or has been altered. Use the link exactly as it appears in your email.',
    },
  },
  expired: {
    title: { id: 'Tautan sudah kedaluwarsa', en: 'The link has expired' },
    body: {
      id: 'Masa berlaku tautan ini sudah habis. Jika Anda menerima email pengingat, gunakan tautan terbaru di sana; jika tidak, hubungi panitia.',
      en: 'This link is no longer valid. If you received a reminder email, use the newer link in it; otherwise contact the organisers.',
    },
  },
  used: {
    title: { id: 'Tugas ini sudah dijawab', en: 'This task has already been answered' },
    body: {
      id: 'Jawaban untuk tugas ini sudah kami terima sebelumnya, sehingga tidak dapat dikirim lagi. Hubungi panitia bila ada yang perlu diubah.',
      en: 'We already received an answer for this task, so it cannot be sent again. Contact the organisers if something needs to change.',
    },
  },
  'not-found': {
    title: { id: 'Tugas tidak ditemukan', en: 'Task not found' },
    body: {
      id: 'Kami tidak menemukan tugas penilaian untuk tautan ini. Mungkin tugas ini telah dibatalkan.',
      en: 'We found no review task for this link. It may have been cancelled.',
    },
  },
  closed: {
    title: { id: 'Tugas sudah ditutup', en: 'The task is closed' },
    body: {
      id: 'Tugas penilaian ini sudah ditutup: batas waktunya telah lewat, tugas dialihkan ke penilai lain, atau proposal sudah selesai dinilai. Terima kasih atas kesediaan Anda.',
      en: 'This review task is closed: its time ran out, it passed to another reviewer, or the proposal has been fully reviewed. Thank you for your help.',
    },
  },
  'bad-request': {
    title: { id: 'Permintaan tidak dapat diproses', en: 'The request could not be processed' },
    body: {
      id: 'Isian yang dikirim tidak dapat dibaca. Buka kembali tautan dari email Anda dan kirim ulang formulirnya.',
      en: 'The data sent could not be read. Open the link from your email again and send the form once more.',
    },
  },
  method: {
    title: { id: 'Cara akses tidak didukung', en: 'Unsupported request' },
    body: {
      id: 'Halaman ini hanya dapat dibuka dari tautan di email atau dikirim melalui formulirnya.',
      en: 'This page can only be opened from the link in your email or sent through its form.',
    },
  },
  unavailable: {
    title: { id: 'Layanan sedang sibuk', en: 'The service is busy' },
    body: {
      id: 'Terjadi gangguan sementara. Jawaban Anda belum tersimpan; coba lagi dalam beberapa menit.',
      en: 'A temporary problem occurred. Your answer has not been saved; please try again in a few minutes.',
    },
  },
};

export interface ErrorPageInput {
  kind: ErrorKind;
  lang?: Lang;
  timeZone?: string;
  profile?: Pick<ReviewProfile, 'name' | 'timeZone'>;
  /** When the task was answered (for `used`). */
  answeredAt?: Date;
  /** Where to reach the organisers (an email address). */
  contact?: string;
}

/** A plain-words error page, with the status code it should be served with. */
export function renderErrorPage(input: ErrorPageInput): RenderedPage {
  const lang = input.lang ?? DEFAULT_LANG;
  const text = ERRORS[input.kind];
  const title = tr(text.title, lang);
  const content = html`<section class="card">
<h1>${title}</h1>
<p>${tr(text.body, lang)}</p>
${
  input.kind === 'used' && input.answeredAt
    ? html`<p>${fill({ id: 'Jawaban tercatat pada {at}.', en: 'The answer was recorded on {at}.' }, lang, { at: formatDateTime(input.answeredAt, lang, timeZoneOf(input)) })}</p>`
    : ''
}
${
  input.contact
    ? html`<p>${tr({ id: 'Kontak panitia:', en: 'Organisers:' }, lang)} <a href="${safeHref(`mailto:${input.contact}`)}">${input.contact}</a></p>`
    : ''
}
</section>`;
  return page(ERROR_STATUS[input.kind], lang, input.profile?.name, title, content);
}
