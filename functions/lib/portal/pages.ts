/**
 * Server-rendered pages of the submitters' portal, in the review page's look (functions/lib/review/page.ts): no
 * script, one hashed stylesheet, CSP. The upload forms are plain `multipart/form-data` forms that post straight
 * to the bucket (a presigned POST), so they work with JavaScript off; the CSP names the bucket as the only other
 * form target. Every value from a person or a file is escaped by the `html` template; no link is built from data.
 */
import { DEFAULT_LANG, formatDateTime, type Lang, type Text, tr } from '../i18n';
import type { ProposalStatus } from '../model';
import { STATUS_LABELS } from '../review/emails/submitter';
import { type HtmlValue, html, type SafeHtml } from '../review/html';
import { type RenderedPage, renderLayout } from '../review/page';
import type { Issue, ValidationReport } from '../validation/types';
import type { PostFields } from './post-policy';

/** What every portal page knows: the competition, the agency, its link and the season. */
export interface PortalPageContext {
  profile: { name: string; timeZone: string };
  lang: Lang;
  agency: { code: string; name: string };
  /** Builds the URL of a portal route for this link (`route` e.g. `/submit`, extra query parameters). */
  url: (route: string, params?: Record<string, string>) => string;
  /** This page in another language. */
  inLanguage: (lang: Lang) => string;
  closesAt: Date;
  now: Date;
}

/** A proposal as its agency sees it. */
export interface PortalProposal {
  id: string;
  fileName: string;
  title?: string;
  status: ProposalStatus;
  reason: string;
  receivedAt: Date;
  validation?: ValidationReport;
  /** The REJECTED proposal this one replaced, and the one that replaced this one. */
  replaces?: string;
  replacedBy?: string;
}

export interface TemplateLink {
  group: string;
  files: Array<{ label: string; href: string }>;
}

const GOOD: readonly ProposalStatus[] = ['IN_REVIEW', 'REVIEWED'];
const BAD: readonly ProposalStatus[] = ['REJECTED', 'FAILED'];
/** Statuses that change on their own within minutes: a page showing one reloads itself. */
export const MOVING: readonly ProposalStatus[] = ['RECEIVED', 'VALIDATING', 'ASSIGNING'];

/**
 * What the agency is told of a status. Only a rejection shows the recorded reason (the check's summary, written
 * for the submitter); other reasons are the pipeline's own notes (reviewer ids, assignment details, faults),
 * which reviewers' anonymity and plain words keep off the portal.
 */
const STATUS_NOTES: Record<Exclude<ProposalStatus, 'REJECTED'>, Text> = {
  RECEIVED: {
    id: 'Berkas diterima; pemeriksaan administrasi segera dimulai.',
    en: 'File received; the administrative check starts shortly.',
  },
  VALIDATING: {
    id: 'Berkas sedang diperiksa terhadap ketentuan kompetisi.',
    en: 'The file is being checked against the competition rules.',
  },
  ASSIGNING: {
    id: 'Lolos pemeriksaan administrasi; penilai sedang ditunjuk.',
    en: 'Passed the administrative check; reviewers are being assigned.',
  },
  NEEDS_REVIEWERS: {
    id: 'Lolos pemeriksaan administrasi; panitia sedang melengkapi penilai.',
    en: 'Passed the administrative check; the organisers are completing the reviewers.',
  },
  IN_REVIEW: {
    id: 'Lolos pemeriksaan administrasi dan sedang dinilai oleh penilai.',
    en: 'Passed the administrative check and is being reviewed.',
  },
  REVIEWED: {
    id: 'Penilaian selesai; hasilnya diumumkan oleh panitia.',
    en: 'The review is complete; the organisers announce the results.',
  },
  FAILED: {
    id: 'Terjadi gangguan saat memproses berkas; panitia sudah diberi tahu dan akan menanganinya. Tidak ada yang hilang.',
    en: 'Processing the file ran into a fault; the organisers have been told and will handle it. Nothing is lost.',
  },
};

/** The words an agency reads about a proposal's status. */
export function statusNote(p: Pick<PortalProposal, 'status' | 'reason'>, lang: Lang): string {
  return p.status === 'REJECTED' ? p.reason : tr(STATUS_NOTES[p.status], lang);
}

const fill = (text: Text, lang: Lang, values: Record<string, string | number>) =>
  tr(text, lang).replace(/\{(\w+)\}/g, (m, key: string) => (key in values ? String(values[key]) : m));

const T = {
  portal: { id: 'Portal pengusul', en: 'Submitters’ portal' },
  home: { id: 'Beranda', en: 'Home' },
  check: { id: 'Periksa draf', en: 'Check a draft' },
  submit: { id: 'Kirim proposal', en: 'Submit a proposal' },
  guide: { id: 'Panduan', en: 'Guide' },
  otherLang: { id: 'English', en: 'Bahasa Indonesia' },
  deadline: { id: 'Batas pengiriman: {at}', en: 'Submissions close: {at}' },
  left: { id: 'Sisa waktu: {days} hari {hours} jam.', en: 'Time left: {days} days {hours} hours.' },
  closed: {
    id: 'Pengiriman sudah ditutup. Anda tetap dapat mengikuti status proposal di sini.',
    en: 'Submissions are closed. You can still follow your proposals here.',
  },
  proposals: { id: 'Proposal Anda', en: 'Your proposals' },
  none: {
    id: 'Belum ada proposal. Periksa draf Anda terlebih dahulu, lalu kirim.',
    en: 'No proposals yet. Check your draft first, then submit it.',
  },
  received: { id: 'Diterima {at}', en: 'Received {at}' },
  details: { id: 'Rincian', en: 'Details' },
  replace: { id: 'Ganti dengan berkas perbaikan', en: 'Replace with a fixed file' },
  replacedBy: { id: 'Sudah diganti dengan berkas baru.', en: 'Replaced by a new file.' },
  replaces: {
    id: 'Berkas perbaikan dari proposal yang ditolak.',
    en: 'A fixed file replacing a rejected proposal.',
  },
  templates: { id: 'Templat proposal', en: 'Proposal templates' },
  templatesHelp: {
    id: 'Unduh templat kelompok Anda dan isi setiap bagian; batas kata ada di Panduan.',
    en: 'Download your group’s template and fill in every section; the word limits are in the Guide.',
  },
  file: { id: 'Berkas', en: 'File' },
  chooseFile: { id: 'Pilih berkas', en: 'Choose a file' },
  formats: {
    id: 'Format: DOCX, PDF (dengan teks), Markdown/teks, JSON. Paling besar {mb} MB.',
    en: 'Formats: DOCX, PDF (with text), Markdown/text, JSON. At most {mb} MB.',
  },
  formValid: {
    id: 'Formulir ini berlaku {minutes} menit. Setelah itu, muat ulang halaman.',
    en: 'This form works for {minutes} minutes. After that, reload the page.',
  },
  checkIntro: {
    id: 'Pemeriksaan draf tidak mengirim apa pun: Anda langsung melihat hasil pemeriksaan administrasi yang sama dengan yang dilakukan panitia, dengan cara memperbaikinya.',
    en: 'Checking a draft submits nothing: you see at once the same administrative check the organisers run, with how to fix each issue.',
  },
  checkButton: { id: 'Periksa berkas', en: 'Check the file' },
  submitIntro: {
    id: 'Berkas yang dikirim masuk ke kompetisi. Anda akan menerima tanda terima di halaman berikut dan lewat email.',
    en: 'The file you submit enters the competition. You get a receipt on the next page and by email.',
  },
  replaceIntro: {
    id: 'Berkas ini menggantikan proposal yang ditolak: “{title}”. Riwayat keduanya tetap tersimpan.',
    en: 'This file replaces the rejected proposal “{title}”. The history of both is kept.',
  },
  submitButton: { id: 'Kirim berkas', en: 'Submit the file' },
  report: { id: 'Hasil pemeriksaan', en: 'Check result' },
  passed: { id: 'Lolos pemeriksaan administrasi.', en: 'Passes the administrative check.' },
  failed: {
    id: 'Belum lolos: perbaiki {n} masalah di bawah ini, lalu periksa lagi.',
    en: 'Not yet: fix the {n} issue(s) below, then check again.',
  },
  section: { id: 'Bagian', en: 'Section' },
  words: { id: 'Kata', en: 'Words' },
  limit: { id: 'Batas', en: 'Limit' },
  missing: { id: 'tidak ada', en: 'missing' },
  error: { id: 'Galat', en: 'Error' },
  warning: { id: 'Peringatan', en: 'Warning' },
  fix: { id: 'Cara memperbaiki', en: 'How to fix' },
  noIssues: { id: 'Tidak ada masalah.', en: 'No issues.' },
  submitDraft: { id: 'Kirim berkas ini', en: 'Submit this file' },
  submitDraftHelp: {
    id: 'Berkas yang baru saja diperiksa akan dikirim apa adanya; tidak perlu mengunggah ulang.',
    en: 'The file just checked is submitted as it is; no need to upload it again.',
  },
  checkAnother: { id: 'Periksa berkas lain', en: 'Check another file' },
  receipt: { id: 'Tanda terima', en: 'Receipt' },
  receiptWaiting: {
    id: 'Berkas Anda sudah sampai dan sedang dicatat. Halaman ini diperbarui sendiri.',
    en: 'Your file has arrived and is being registered. This page refreshes itself.',
  },
  proposalId: { id: 'Nomor proposal', en: 'Proposal number' },
  status: { id: 'Status', en: 'Status' },
  reason: { id: 'Keterangan', en: 'Details' },
  refreshes: { id: 'Halaman ini diperbarui sendiri.', en: 'This page refreshes itself.' },
  back: { id: 'Kembali ke beranda', en: 'Back to home' },
} satisfies Record<string, Text>;

function statusBadge(status: ProposalStatus, lang: Lang): SafeHtml {
  const tone = GOOD.includes(status) ? ' status-good' : BAD.includes(status) ? ' status-bad' : '';
  return html`<span class="status${tone}">${tr(STATUS_LABELS[status], lang)}</span>`;
}

function nav(ctx: PortalPageContext): SafeHtml {
  const other: Lang = ctx.lang === 'id' ? 'en' : 'id';
  return html`<nav class="nav">
<a href="${ctx.url('')}">${tr(T.home, ctx.lang)}</a>
<a href="${ctx.url('/check')}">${tr(T.check, ctx.lang)}</a>
<a href="${ctx.url('/submit')}">${tr(T.submit, ctx.lang)}</a>
<a href="${ctx.url('/guide')}">${tr(T.guide, ctx.lang)}</a>
<a href="${ctx.inLanguage(other)}" lang="${other}">${tr(T.otherLang, ctx.lang)}</a>
</nav>`;
}

function layout(
  ctx: PortalPageContext,
  title: string,
  content: HtmlValue,
  options: { statusCode?: number; formActions?: string[]; refreshSeconds?: number } = {},
): RenderedPage {
  return renderLayout(
    options.statusCode ?? 200,
    ctx.lang,
    ctx.profile.name,
    `${title} - ${ctx.agency.name}`,
    html`<p class="muted">${tr(T.portal, ctx.lang)} · ${ctx.agency.name}</p>${nav(ctx)}${content}`,
    { formActions: options.formActions, refreshSeconds: options.refreshSeconds },
  );
}

/** Whether submissions are open at `now`. */
export const seasonOpen = (ctx: Pick<PortalPageContext, 'closesAt' | 'now'>): boolean =>
  ctx.now.getTime() < ctx.closesAt.getTime();

function season(ctx: PortalPageContext): SafeHtml {
  const at = formatDateTime(ctx.closesAt, ctx.lang, ctx.profile.timeZone);
  if (!seasonOpen(ctx)) return html`<div class="alert"><p>${tr(T.closed, ctx.lang)}</p></div>`;
  const hoursLeft = Math.floor((ctx.closesAt.getTime() - ctx.now.getTime()) / 3_600_000);
  return html`<p><strong>${fill(T.deadline, ctx.lang, { at })}</strong><br>${fill(T.left, ctx.lang, {
    days: Math.floor(hoursLeft / 24),
    hours: hoursLeft % 24,
  })}</p>`;
}

function proposalRow(ctx: PortalPageContext, p: PortalProposal): SafeHtml {
  const lang = ctx.lang;
  const canReplace = p.status === 'REJECTED' && !p.replacedBy && seasonOpen(ctx);
  return html`<li>
<p><strong>${p.title || p.fileName}</strong><br>${statusBadge(p.status, lang)} <span class="muted">${fill(T.received, lang, { at: formatDateTime(p.receivedAt, lang, ctx.profile.timeZone) })}</span></p>
<p>${statusNote(p, lang)}</p>
${p.replacedBy ? html`<p class="muted">${tr(T.replacedBy, lang)}</p>` : ''}
<p class="actions"><a class="btn btn-secondary" href="${ctx.url('/proposal', { p: p.id })}">${tr(T.details, lang)}</a>
${canReplace ? html`<a class="btn btn-primary" href="${ctx.url('/submit', { replace: p.id })}">${tr(T.replace, lang)}</a>` : ''}</p>
</li>`;
}

export interface HomeInput {
  ctx: PortalPageContext;
  proposals: readonly PortalProposal[];
  templates: readonly TemplateLink[];
}

/** The agency's home: the season, its proposals with status and reason, and the templates. */
export function renderHome({ ctx, proposals, templates }: HomeInput): RenderedPage {
  const lang = ctx.lang;
  const moving = proposals.some((p) => MOVING.includes(p.status));
  const content = html`<section class="card">
<h1>${ctx.agency.name}</h1>
${season(ctx)}
${seasonOpen(ctx) ? html`<p class="actions"><a class="btn btn-secondary" href="${ctx.url('/check')}">${tr(T.check, lang)}</a> <a class="btn btn-primary" href="${ctx.url('/submit')}">${tr(T.submit, lang)}</a></p>` : ''}
</section>
<section class="card">
<h2>${tr(T.proposals, lang)}</h2>
${proposals.length ? html`<ul class="rows">${proposals.map((p) => proposalRow(ctx, p))}</ul>` : html`<p>${tr(T.none, lang)}</p>`}
${moving ? html`<p class="muted">${tr(T.refreshes, lang)}</p>` : ''}
</section>
${
  templates.length
    ? html`<section class="card">
<h2>${tr(T.templates, lang)}</h2>
<p>${tr(T.templatesHelp, lang)}</p>
<ul class="rows">${templates.map((t) => html`<li><strong>${t.group}</strong>: ${t.files.map((f, i) => html`${i ? ' · ' : ''}<a href="${f.href}" download>${f.label}</a>`)}</li>`)}</ul>
</section>`
    : ''
}`;
  return layout(ctx, tr(T.home, lang), content, { refreshSeconds: moving ? 15 : undefined });
}

export interface UploadFormInput {
  ctx: PortalPageContext;
  kind: 'draft' | 'submission';
  /** The bucket's URL (the form's action) and the presigned fields. */
  action: string;
  fields: PostFields;
  maxBytes: number;
  validMinutes: number;
  /** The REJECTED proposal a submission replaces. */
  replacing?: PortalProposal;
}

/** A plain HTML upload form straight to S3 (works with JavaScript off). */
export function renderUploadForm(input: UploadFormInput): RenderedPage {
  const { ctx } = input;
  const lang = ctx.lang;
  const draft = input.kind === 'draft';
  const title = tr(draft ? T.check : T.submit, lang);
  const mb = Math.floor((input.maxBytes / 1_048_576) * 10) / 10;
  const content = html`<section class="card">
<h1>${title}</h1>
<p>${tr(draft ? T.checkIntro : T.submitIntro, lang)}</p>
${input.replacing ? html`<p class="ok">${fill(T.replaceIntro, lang, { title: input.replacing.title || input.replacing.fileName })}</p>` : ''}
<form method="post" action="${input.action}" enctype="multipart/form-data">
${Object.entries(input.fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<label class="block" for="file">${tr(T.chooseFile, lang)}</label>
<input id="file" type="file" name="file" required accept=".docx,.pdf,.md,.markdown,.txt,.json">
<p class="muted">${fill(T.formats, lang, { mb })} ${fill(T.formValid, lang, { minutes: input.validMinutes })}</p>
<p class="actions"><button class="btn btn-primary" type="submit">${tr(draft ? T.checkButton : T.submitButton, lang)}</button></p>
</form>
</section>`;
  return layout(ctx, title, content, { formActions: [new URL(input.action).origin] });
}

function issueItem(issue: Issue, lang: Lang): SafeHtml {
  const error = issue.severity === 'error';
  return html`<li><p><span class="status ${error ? 'status-bad' : ''}">${tr(error ? T.error : T.warning, lang)}</span> ${issue.message[lang]}</p>
<p class="muted">${tr(T.fix, lang)}: ${issue.hint[lang]}</p></li>`;
}

/** A validation report: the verdict, words per section against the limits, each issue with its fix. */
export function reportCard(report: ValidationReport, lang: Lang): SafeHtml {
  const errors = report.issues.filter((i) => i.severity === 'error');
  const ordered = [...errors, ...report.issues.filter((i) => i.severity !== 'error')];
  return html`<section class="card">
<h2>${tr(T.report, lang)}</h2>
${report.valid ? html`<p class="ok">${tr(T.passed, lang)}</p>` : html`<p class="alert">${fill(T.failed, lang, { n: errors.length })}</p>`}
${
  report.sections.length
    ? html`<table><thead><tr><th>${tr(T.section, lang)}</th><th class="num">${tr(T.words, lang)}</th><th class="num">${tr(T.limit, lang)}</th></tr></thead><tbody>
${report.sections.map((s) => {
  const over = s.present && s.words > s.limit;
  return html`<tr><td>${s.name}</td><td class="num${over || !s.present ? ' error' : ''}">${s.present ? s.words : tr(T.missing, lang)}</td><td class="num">${s.limit}</td></tr>`;
})}
</tbody></table>`
    : ''
}
${ordered.length ? html`<ul class="rows">${ordered.map((i) => issueItem(i, lang))}</ul>` : html`<p>${tr(T.noIssues, lang)}</p>`}
</section>`;
}

export interface DraftReportInput {
  ctx: PortalPageContext;
  fileName: string;
  report: ValidationReport;
  /** The CSRF token of this link: set when the draft may be submitted as it is. */
  submitToken?: string;
  /** Where "submit this file" posts (the same draft's URL). */
  submitAction: string;
}

/** What a checked draft gives: the report, and when it passes, a button to submit that very file. */
export function renderDraftReport(input: DraftReportInput): RenderedPage {
  const { ctx } = input;
  const lang = ctx.lang;
  const content = html`<section class="card">
<h1>${tr(T.check, lang)}</h1>
<p>${tr(T.file, lang)}: <strong>${input.fileName}</strong></p>
</section>
${reportCard(input.report, lang)}
<section class="card">
${
  input.submitToken
    ? html`<form method="post" action="${input.submitAction}">
<input type="hidden" name="csrf" value="${input.submitToken}">
<p>${tr(T.submitDraftHelp, lang)}</p>
<p class="actions"><button class="btn btn-primary" type="submit">${tr(T.submitDraft, lang)}</button> <a class="btn btn-secondary" href="${ctx.url('/check')}">${tr(T.checkAnother, lang)}</a></p>
</form>`
    : html`<p class="actions"><a class="btn btn-primary" href="${ctx.url('/check')}">${tr(T.checkAnother, lang)}</a></p>`
}
</section>`;
  return layout(ctx, tr(T.check, lang), content);
}

function proposalFacts(ctx: PortalPageContext, p: PortalProposal): SafeHtml {
  const lang = ctx.lang;
  return html`<dl>
<dt>${tr(T.proposalId, lang)}</dt><dd>${p.id}</dd>
<dt>${tr(T.file, lang)}</dt><dd>${p.fileName}</dd>
<dt>${tr(T.status, lang)}</dt><dd>${statusBadge(p.status, lang)}</dd>
<dt>${tr(T.reason, lang)}</dt><dd>${statusNote(p, lang)}</dd>
<dt>${fill(T.received, lang, { at: '' }).trim()}</dt><dd>${formatDateTime(p.receivedAt, lang, ctx.profile.timeZone)}</dd>
</dl>
${p.replaces ? html`<p class="muted">${tr(T.replaces, lang)}</p>` : ''}
${p.replacedBy ? html`<p class="muted">${tr(T.replacedBy, lang)}</p>` : ''}`;
}

/** The receipt of a submission: the proposal its upload became, following its status. */
export function renderReceipt(input: { ctx: PortalPageContext; proposal?: PortalProposal }): RenderedPage {
  const { ctx, proposal } = input;
  const lang = ctx.lang;
  const moving = !proposal || MOVING.includes(proposal.status);
  const content = html`<section class="card">
<h1>${tr(T.receipt, lang)}</h1>
${proposal ? proposalFacts(ctx, proposal) : html`<p class="ok">${tr(T.receiptWaiting, lang)}</p>`}
${proposal && moving ? html`<p class="muted">${tr(T.refreshes, lang)}</p>` : ''}
</section>
${proposal?.validation && proposal.status === 'REJECTED' ? reportCard(proposal.validation, lang) : ''}
<p><a class="btn btn-secondary" href="${ctx.url('')}">${tr(T.back, lang)}</a></p>`;
  return layout(ctx, tr(T.receipt, lang), content, { refreshSeconds: moving ? 5 : undefined });
}

/** One proposal: facts, status, and its check report. */
export function renderProposal(input: { ctx: PortalPageContext; proposal: PortalProposal }): RenderedPage {
  const { ctx, proposal } = input;
  const lang = ctx.lang;
  const canReplace = proposal.status === 'REJECTED' && !proposal.replacedBy && seasonOpen(ctx);
  const content = html`<section class="card">
<h1>${proposal.title || proposal.fileName}</h1>
${proposalFacts(ctx, proposal)}
${canReplace ? html`<p class="actions"><a class="btn btn-primary" href="${ctx.url('/submit', { replace: proposal.id })}">${tr(T.replace, lang)}</a></p>` : ''}
</section>
${proposal.validation ? reportCard(proposal.validation, lang) : ''}`;
  return layout(ctx, proposal.title || proposal.fileName, content, {
    refreshSeconds: MOVING.includes(proposal.status) ? 15 : undefined,
  });
}

/** A page of the portal around a fragment rendered elsewhere (the submitters' guide). */
export function renderPortalPage(ctx: PortalPageContext, title: string, fragment: SafeHtml): RenderedPage {
  return layout(ctx, title, fragment);
}

// ------------------------------------------------------------------------------------------------ errors

export const PORTAL_ERRORS = {
  malformed: 400,
  forged: 403,
  revoked: 410,
  expired: 410,
  'not-found': 404,
  closed: 403,
  'rate-limited': 429,
  'bad-request': 400,
  'draft-missing': 404,
  method: 405,
  unavailable: 503,
} as const;
export type PortalErrorKind = keyof typeof PORTAL_ERRORS;

const ERROR_TEXT: Record<PortalErrorKind, { title: Text; body: Text }> = {
  malformed: {
    title: { id: 'Tautan tidak lengkap', en: 'The link is incomplete' },
    body: {
      id: 'Alamat yang Anda buka terpotong atau berubah. Buka kembali tautan portal dari email undangan; jika email memecahnya menjadi beberapa baris, salin seluruhnya.',
      en: 'The address is cut short or altered. Open the portal link from your invitation email again; if the email broke it over several lines, copy all of it.',
    },
  },
  forged: {
    title: { id: 'Tautan tidak sah', en: 'The link is not valid' },
    body: {
      id: 'Tautan ini tidak dikeluarkan oleh panitia atau telah diubah. Gunakan tautan persis seperti di email undangan Anda.',
      en: 'This link was not issued by the organisers or has been altered. Use the link exactly as it is in your invitation email.',
    },
  },
  revoked: {
    title: { id: 'Tautan sudah dicabut', en: 'The link has been revoked' },
    body: {
      id: 'Panitia telah mencabut tautan ini (misalnya setelah kontak instansi berganti). Gunakan tautan dari undangan terbaru, atau minta undangan baru kepada panitia.',
      en: 'The organisers revoked this link (for example after the agency’s contact changed). Use the link from your latest invitation, or ask the organisers for a new one.',
    },
  },
  expired: {
    title: { id: 'Tautan sudah kedaluwarsa', en: 'The link has expired' },
    body: {
      id: 'Masa berlaku tautan ini sudah habis. Minta undangan baru kepada panitia bila Anda masih memerlukannya.',
      en: 'This link is no longer valid. Ask the organisers for a new invitation if you still need it.',
    },
  },
  'not-found': {
    title: { id: 'Tidak ditemukan', en: 'Not found' },
    body: {
      id: 'Halaman atau proposal ini tidak ada untuk instansi Anda. Kembali ke beranda portal.',
      en: 'This page or proposal does not exist for your agency. Go back to the portal’s home.',
    },
  },
  closed: {
    title: { id: 'Pengiriman sudah ditutup', en: 'Submissions are closed' },
    body: {
      id: 'Batas waktu pengiriman sudah lewat, sehingga berkas tidak dapat dikirim atau diganti lagi. Status proposal yang sudah dikirim tetap dapat dilihat di beranda.',
      en: 'The submission deadline has passed, so files can no longer be submitted or replaced. The status of proposals already submitted is still on the home page.',
    },
  },
  'rate-limited': {
    title: { id: 'Terlalu banyak unggahan', en: 'Too many uploads' },
    body: {
      id: 'Instansi Anda sudah membuka terlalu banyak formulir unggah dalam satu jam. Coba lagi sebentar lagi.',
      en: 'Your agency opened too many upload forms within an hour. Please try again a little later.',
    },
  },
  'bad-request': {
    title: { id: 'Permintaan tidak dapat diproses', en: 'The request could not be processed' },
    body: {
      id: 'Formulir ini tidak berasal dari halaman portal Anda, atau sudah terlalu lama. Buka kembali halaman lalu kirim ulang.',
      en: 'This form did not come from your portal page, or is too old. Open the page again and send it once more.',
    },
  },
  'draft-missing': {
    title: { id: 'Draf tidak ditemukan', en: 'Draft not found' },
    body: {
      id: 'Draf ini tidak (lagi) tersimpan: draf dihapus otomatis setelah beberapa hari. Unggah berkas Anda lagi untuk diperiksa.',
      en: 'This draft is not stored (any more): drafts are deleted after a few days. Upload your file again to check it.',
    },
  },
  method: {
    title: { id: 'Cara akses tidak didukung', en: 'Unsupported request' },
    body: {
      id: 'Halaman ini hanya dapat dibuka dari tautan portal atau dikirim melalui formulirnya.',
      en: 'This page can only be opened from the portal link or sent through its form.',
    },
  },
  unavailable: {
    title: { id: 'Layanan sedang sibuk', en: 'The service is busy' },
    body: {
      id: 'Terjadi gangguan sementara; tidak ada yang hilang. Coba lagi dalam beberapa menit.',
      en: 'A temporary problem occurred; nothing was lost. Please try again in a few minutes.',
    },
  },
};

/** A plain-words error page with what to do, served with its status code. */
export function renderPortalError(input: {
  kind: PortalErrorKind;
  lang?: Lang;
  profile?: { name: string };
  /** The home page of the link, when the link itself is fine. */
  homeUrl?: string;
}): RenderedPage {
  const lang = input.lang ?? DEFAULT_LANG;
  const text = ERROR_TEXT[input.kind];
  const title = tr(text.title, lang);
  const content = html`<section class="card">
<h1>${title}</h1>
<p>${tr(text.body, lang)}</p>
${input.homeUrl ? html`<p><a class="btn btn-secondary" href="${input.homeUrl}">${tr(T.back, lang)}</a></p>` : ''}
</section>`;
  return renderLayout(PORTAL_ERRORS[input.kind], lang, input.profile?.name, title, content);
}
