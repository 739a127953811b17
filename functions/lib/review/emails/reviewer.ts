/** Emails to reviewers: the invitation to review a proposal and the reminders before and after its due date. */

import { DEFAULT_LANG, daysBetween, formatDateTime, type Lang, type Text, tr } from '../../i18n';
import { type ScoringCriterion, timeZoneOf } from '../profile';
import { type EmailContext, fill, LABELS, type ProposalInfo, proposalFacts, titleOf } from './common';
import { type Block, type RenderedEmail, renderEmail } from './render';

const L = {
  ...LABELS,
  due: { id: 'Batas waktu', en: 'Due' },
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

function criteriaList(criteria: ReadonlyArray<ScoringCriterion>, lang: Lang): string {
  return criteria.map((c) => tr(c.name, lang)).join(', ');
}

function linkBlocks(link: string, lang: Lang, label: Text): Block[] {
  return [{ kind: 'button', label: tr(label, lang), href: link, fallback: tr(L.fallback, lang) }];
}

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
  const tz = timeZoneOf(input);
  const { scaleMin, scaleMax, criteria } = input.profile.scoring;
  const title = titleOf(input.proposal, lang);
  const due = formatDateTime(input.dueAt, lang, tz);
  const notes = [tr(L.personal, lang)];
  if (input.linkExpiresAt)
    notes.push(fill(L.linkValid, lang, { date: formatDateTime(input.linkExpiresAt, lang, tz) }));
  return renderEmail(
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
  const tz = timeZoneOf(input);
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
  return renderEmail(
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

export interface ReviewTaskWithdrawnEmailInput extends EmailContext {
  reviewerName: string;
  proposal: ProposalInfo;
}

/**
 * The request to review a proposal is withdrawn before the reviewer accepted it: the round was re-planned after
 * the submission deadline (`proposals plan --live --apply`) and another reviewer takes the seat. The old link
 * now says the task is closed.
 */
export function reviewTaskWithdrawnEmail(input: ReviewTaskWithdrawnEmailInput): RenderedEmail {
  const lang = input.lang ?? DEFAULT_LANG;
  const title = titleOf(input.proposal, lang);
  return renderEmail(
    {
      subject: fill(
        { id: 'Permintaan penilaian dibatalkan: {title}', en: 'Review request withdrawn: {title}' },
        lang,
        { title },
      ),
      preheader: tr(
        { id: 'Anda tidak perlu menilai proposal ini.', en: 'You do not need to review this proposal.' },
        lang,
      ),
      heading: tr({ id: 'Permintaan penilaian dibatalkan', en: 'Review request withdrawn' }, lang),
      greeting: fill(L.dear, lang, { name: input.reviewerName }),
      blocks: [
        {
          kind: 'paragraph',
          text: fill(
            {
              id: 'Setelah batas waktu pengiriman, Tim Evaluasi {name} menyusun ulang pembagian proposal kepada para penilai. Proposal berikut kini dinilai oleh penilai lain, sehingga permintaan kami sebelumnya kepada Anda dibatalkan. Anda tidak perlu melakukan apa pun; tautan dalam email sebelumnya tidak lagi berlaku.',
              en: 'After the submission deadline, the evaluation team of {name} re-planned which reviewer reviews which proposal. The following proposal is now reviewed by another reviewer, so our earlier request to you is withdrawn. Nothing is needed from you; the link in the earlier email no longer works.',
            },
            lang,
            { name: input.profile.name },
          ),
        },
        { kind: 'facts', rows: proposalFacts(input.proposal, input, lang) },
        {
          kind: 'note',
          text: tr(
            {
              id: 'Terima kasih atas kesediaan Anda. Tugas penilaian Anda yang lain tidak berubah.',
              en: 'Thank you for your time. Your other review tasks are unchanged.',
            },
            lang,
          ),
        },
      ],
    },
    input,
  );
}
