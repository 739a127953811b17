/** Emails to the organisers (ops): a proposal waits for reviewers, a proposal is fully reviewed. */

import { DEFAULT_LANG, formatNumber, type Text, tr } from '../../i18n';
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
    { label: tr(LABELS.reference, lang), value: input.proposal.id },
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
  return renderEmail(
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
    { label: tr(LABELS.reference, lang), value: input.proposal.id },
    ...proposalFacts(input.proposal, input, lang),
    { label: tr(LABELS.score, lang), value: fill(LABELS.outOf100, lang, { n: score }) },
    { label: tr(LABELS.reviews, lang), value: String(result.reviews) },
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
  return renderEmail(
    {
      subject:
        fill({ id: 'Selesai dinilai: {title} ({score})', en: 'Reviewed: {title} ({score})' }, lang, {
          title,
          score,
        }) +
        (result.disagreement ? tr({ id: ' - nilai berbeda jauh', en: ' - reviewers disagree' }, lang) : ''),
      preheader: fill(LABELS.outOf100, lang, { n: score }),
      heading: tr({ id: 'Proposal selesai dinilai', en: 'Proposal reviewed' }, lang),
      blocks,
    },
    input,
  );
}
