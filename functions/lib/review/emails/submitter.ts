/** Emails to the submitter of a proposal: received, rejected by the administrative check (with how to fix it), result. */

import { DEFAULT_LANG, formatDateTime, formatNumber, type Lang, type Text, tr } from '../../i18n';
import type { ProposalStatus } from '../../model';
import { type ReviewProfile, sectionName, submissionDeadlineAt, timeZoneOf } from '../profile';
import {
  type EmailContext,
  fill,
  LABELS,
  type ProposalInfo,
  proposalFacts,
  type ResultSummary,
  titleOf,
} from './common';
import { type Block, type RenderedEmail, renderEmail } from './render';

/** One finding of the validation step, as the validation report carries it. */
export interface ValidationIssue {
  code: string;
  severity: 'error' | 'warning' | 'info' | (string & {});
  section?: string;
  message: Text;
  /** How to fix it (the validator provides one); generic advice for the code is used otherwise. */
  hint?: Text;
}

const L = {
  ...LABELS,
  file: { id: 'Berkas', en: 'File' },
  received: { id: 'Diterima', en: 'Received' },
  status: { id: 'Status', en: 'Status' },
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

export interface SubmitterReceivedEmailInput extends EmailContext {
  proposal: ProposalInfo & { id: string };
  receivedAt: Date;
  fileName?: string;
}

/** Acknowledges an upload: the proposal is in and being checked. */
export function submitterReceivedEmail(input: SubmitterReceivedEmailInput): RenderedEmail {
  const lang = input.lang ?? DEFAULT_LANG;
  const tz = timeZoneOf(input);
  const name = input.proposal.title?.trim() || input.fileName || tr(L.untitled, lang);
  const rows = [{ label: tr(L.reference, lang), value: input.proposal.id }];
  if (input.proposal.title) rows.push({ label: tr(L.title, lang), value: input.proposal.title });
  if (input.proposal.institution)
    rows.push({ label: tr(L.institution, lang), value: input.proposal.institution });
  if (input.fileName) rows.push({ label: tr(L.file, lang), value: input.fileName });
  rows.push({ label: tr(L.received, lang), value: formatDateTime(input.receivedAt, lang, tz) });
  return renderEmail(
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
  const tz = timeZoneOf(input);
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
  return renderEmail(
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
  return renderEmail(
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
