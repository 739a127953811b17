/** What the emails of every audience share: the context they are rendered in, the proposal facts and labels. */

import { type Lang, type Text, tr } from '../../i18n';
import { categoryName, groupName, type ReviewProfile } from '../profile';

/** What every renderer needs besides its own content. */
export interface EmailContext {
  profile: ReviewProfile;
  /** Language of the email; Indonesian when omitted. */
  lang?: Lang;
  /** IANA time zone for dates; the profile's (WIB when it names none) when omitted. */
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

/** A proposal's aggregated review result, as the emails show it. */
export interface ResultSummary {
  score: number;
  mean?: number;
  spread: number;
  reviews: number;
  disagreement: boolean;
  stdev?: number;
}

/** Labels more than one audience uses. */
export const LABELS = {
  title: { id: 'Judul', en: 'Title' },
  institution: { id: 'Instansi', en: 'Institution' },
  category: { id: 'Kategori', en: 'Category' },
  group: { id: 'Kelompok', en: 'Group' },
  reference: { id: 'Nomor proposal', en: 'Reference' },
  score: { id: 'Nilai akhir', en: 'Final score' },
  reviews: { id: 'Jumlah penilaian', en: 'Reviews' },
  untitled: { id: '(tanpa judul)', en: '(untitled)' },
  outOf100: { id: '{n} dari 100', en: '{n} out of 100' },
} satisfies Record<string, Text>;

/** The text in the language, with `{name}` placeholders filled from `values` (unknown ones left as written). */
export function fill(text: Text, lang: Lang, values: Record<string, string | number>): string {
  return tr(text, lang).replace(/\{(\w+)\}/g, (m, key: string) => (key in values ? String(values[key]) : m));
}

/** The proposal's title, or '(untitled)' in the language. */
export function titleOf(p: ProposalInfo, lang: Lang): string {
  return p.title?.trim() || tr(LABELS.untitled, lang);
}

/** Title, institution, category and group, as rows of a facts block (those the proposal has). */
export function proposalFacts(
  p: ProposalInfo,
  ctx: EmailContext,
  lang: Lang,
): Array<{ label: string; value: string }> {
  const rows = [{ label: tr(LABELS.title, lang), value: titleOf(p, lang) }];
  if (p.institution) rows.push({ label: tr(LABELS.institution, lang), value: p.institution });
  if (p.category)
    rows.push({ label: tr(LABELS.category, lang), value: categoryName(ctx.profile, p.category) });
  if (p.group) rows.push({ label: tr(LABELS.group, lang), value: groupName(ctx.profile, p.group) });
  return rows;
}
