/**
 * Generates a deadline-day mix of proposals from the text examples (examples/proposals/*.md, *.json and the
 * Markdown sources of the DOCX/PDF examples): every proposal gets a unique title and its own institution, so
 * neither the duplicate-title rule nor the institution quota rejects it, except one planned group of Khusus
 * proposals from one institution that goes over its quota by a known number. Valid proposals cycle through
 * the profile's categories so the load spreads over the roster.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Profile } from '../functions/lib/profile';
import { seededRandom, shuffle } from './random';

export const EXAMPLES_DIR = new URL('../examples/', import.meta.url).pathname;

export type Outcome = 'valid' | 'invalid' | 'over-quota';

export interface ProposalTemplate {
  /** Short name used in file names and reports. */
  id: string;
  file: string;
  format: 'markdown' | 'json';
  group: 'umum' | 'replikasi' | 'khusus';
  valid: boolean;
  /** Share of the mix (the shares add up to 1). */
  share: number;
  why: string;
}

export const TEMPLATES: readonly ProposalTemplate[] = [
  {
    id: 'umum-md',
    file: 'proposals/01-dinkes-surabaya-umum.md',
    format: 'markdown',
    group: 'umum',
    valid: true,
    share: 0.25,
    why: 'valid Umum, identity table',
  },
  {
    id: 'replikasi-md',
    file: 'proposals/sources/02-disdik-sleman-replikasi.md',
    format: 'markdown',
    group: 'replikasi',
    valid: true,
    share: 0.15,
    why: 'valid Replikasi',
  },
  {
    id: 'khusus-md',
    file: 'proposals/sources/03-bapenda-jatim-khusus.md',
    format: 'markdown',
    group: 'khusus',
    valid: true,
    share: 0.15,
    why: 'valid Khusus, "Label: value" identity',
  },
  {
    id: 'umum-json',
    file: 'proposals/04-dlh-banyuwangi-umum.json',
    format: 'json',
    group: 'umum',
    valid: true,
    share: 0.2,
    why: 'valid Umum, structured JSON form',
  },
  {
    id: 'no-signifikansi',
    file: 'proposals/sources/05-dkp-makassar-tanpa-signifikansi.md',
    format: 'markdown',
    group: 'umum',
    valid: false,
    share: 0.08,
    why: 'SECTION_MISSING',
  },
  {
    id: 'long-summary',
    file: 'proposals/06-dp3a-bandung-ringkasan-panjang.md',
    format: 'markdown',
    group: 'umum',
    valid: false,
    share: 0.09,
    why: 'WORD_LIMIT_EXCEEDED',
  },
  {
    id: 'too-young',
    file: 'proposals/sources/07-dinsos-kupang-terlalu-baru.md',
    format: 'markdown',
    group: 'umum',
    valid: false,
    share: 0.08,
    why: 'INNOVATION_TOO_YOUNG',
  },
];

export interface GeneratedProposal {
  /** 0-based position in the plan (not the upload order, which is shuffled). */
  index: number;
  template: string;
  agency: string;
  fileName: string;
  title: string;
  institution: string;
  group: string;
  /** Category id for a valid proposal (the one written into the document). */
  category?: string;
  expected: Outcome;
  body: string;
}

const LABELS = { title: 'Judul', institution: 'Instansi', category: 'Kategori' } as const;

/** `Judul: x`, `- Judul: x` and `- **Judul:** x`: an optional list marker and bold around the label. */
const LINE_PREFIX = '(?:[-*+]\\s+)?(?:\\*\\*)?';
const LINE_SUFFIX = '(?:\\*\\*)?\\s*:(?:\\*\\*)?\\s*';

/**
 * Replaces the value of one identity field in a Markdown proposal, in either layout the examples use: a table
 * row `| Judul | value |` or a line `Judul: value` (also as a list item, label in bold). Hand-written because it edits two known line shapes of our
 * own examples; a Markdown parser would not give the text back unchanged. Throws if the label is not found, so
 * a changed example cannot silently produce proposals that all share one title.
 */
export function setMarkdownField(text: string, label: string, value: string): string {
  const row = new RegExp(`^(\\|\\s*${label}\\s*\\|\\s*)([^|\\n]*?)(\\s*\\|\\s*)$`, 'm');
  if (row.test(text))
    return text.replace(row, (_, head: string, _old: string, tail: string) => head + value + tail);
  const line = new RegExp(`^(${LINE_PREFIX}${label}${LINE_SUFFIX})(.*)$`, 'm');
  if (line.test(text)) return text.replace(line, (_, head: string) => head + value);
  throw new Error(`The example has no "${label}" field to vary`);
}

function readTemplate(template: ProposalTemplate): string {
  return readFileSync(join(EXAMPLES_DIR, template.file), 'utf8');
}

function originalField(text: string, template: ProposalTemplate, field: keyof typeof LABELS): string {
  if (template.format === 'json') {
    const identity = (JSON.parse(text) as { identity: Record<string, string> }).identity;
    return identity[field] ?? '';
  }
  const label = LABELS[field];
  const match =
    new RegExp(`^\\|\\s*${label}\\s*\\|\\s*([^|\\n]*?)\\s*\\|\\s*$`, 'm').exec(text) ??
    new RegExp(`^${LINE_PREFIX}${label}${LINE_SUFFIX}(.*)$`, 'm').exec(text);
  return match?.[1]?.trim() ?? '';
}

function render(
  text: string,
  template: ProposalTemplate,
  fields: { title: string; institution: string; category?: string },
): string {
  if (template.format === 'json') {
    const doc = JSON.parse(text) as { identity: Record<string, string> };
    doc.identity.title = fields.title;
    doc.identity.institution = fields.institution;
    if (fields.category) doc.identity.category = fields.category;
    return `${JSON.stringify(doc, null, 2)}\n`;
  }
  let out = setMarkdownField(text, LABELS.title, fields.title);
  out = setMarkdownField(out, LABELS.institution, fields.institution);
  if (fields.category) out = setMarkdownField(out, LABELS.category, fields.category);
  return out;
}

export interface ProposalPlan {
  proposals: GeneratedProposal[];
  /** How many of each expected outcome the plan holds. */
  expected: Record<Outcome, number>;
  /** Valid proposals per category id (what the roster must be able to hold). */
  validPerCategory: Record<string, number>;
}

/**
 * Plans `size` proposals. From 60 proposals on, one institution sends `quota + 2` Khusus proposals, so exactly
 * two of them are rejected for the quota (which two depends on arrival order).
 */
export function planProposals(size: number, profile: Profile, seed = 2025): ProposalPlan {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`The burst size must be a positive integer: ${size}`);
  const random = seededRandom(seed);
  const texts = new Map(TEMPLATES.map((t) => [t.id, readTemplate(t)]));
  // Template of each position: shares rounded, the rest filled with the first template, then shuffled.
  const kinds: ProposalTemplate[] = [];
  for (const template of TEMPLATES) {
    const count = Math.floor(template.share * size);
    for (let i = 0; i < count; i++) kinds.push(template);
  }
  while (kinds.length < size) kinds.push(TEMPLATES[kinds.length % TEMPLATES.length] as ProposalTemplate);
  shuffle(kinds, random);

  const khusus = profile.groups.find((g) => g.id === 'khusus');
  const quotaPlan = size >= 60 && khusus ? khusus.quotaPerInstitution + 2 : 0;
  const quotaInstitution = 'Badan Pendapatan Daerah Provinsi Uji Kuota';
  let quotaPlaced = 0;

  const categories = profile.categories;
  const expected: Record<Outcome, number> = { valid: 0, invalid: 0, 'over-quota': 0 };
  const validPerCategory: Record<string, number> = {};
  let validCount = 0;
  const proposals = kinds.map((template, index) => {
    const text = texts.get(template.id) as string;
    const number = String(index + 1).padStart(5, '0');
    const title = `${originalField(text, template, 'title')} - Lokus ${number}`;
    let institution = `${originalField(text, template, 'institution')} Unit ${number}`;
    const expectation: Outcome = template.valid ? 'valid' : 'invalid';
    if (template.valid && template.id === 'khusus-md' && quotaPlaced < quotaPlan) {
      institution = quotaInstitution;
      quotaPlaced += 1;
    }
    let category: string | undefined;
    let categoryName: string | undefined;
    if (template.valid) {
      const chosen = categories[validCount % categories.length];
      validCount += 1;
      category = chosen?.id;
      categoryName = chosen?.name;
    }
    if (expectation === 'valid' && category)
      validPerCategory[category] = (validPerCategory[category] ?? 0) + 1;
    const body = render(text, template, { title, institution, category: categoryName });
    const extension = template.format === 'json' ? 'json' : 'md';
    return {
      index,
      template: template.id,
      agency: `pemda-${number}`,
      fileName: `proposal-${number}-${template.id}.${extension}`,
      title,
      institution,
      group: template.group,
      category,
      expected: expectation,
      body,
    } satisfies GeneratedProposal;
  });
  // The quota group: `quota` of them pass, two are refused.
  if (quotaPlaced > 0 && khusus) {
    let over = quotaPlaced - khusus.quotaPerInstitution;
    for (let i = proposals.length - 1; i >= 0 && over > 0; i--) {
      const p = proposals[i] as GeneratedProposal;
      if (p.institution !== quotaInstitution) continue;
      // Which ones are refused depends on arrival; the plan only fixes how many.
      p.expected = 'over-quota';
      if (p.category) validPerCategory[p.category] = (validPerCategory[p.category] ?? 1) - 1;
      over -= 1;
    }
  }
  for (const p of proposals) expected[p.expected] += 1;
  return { proposals, expected, validPerCategory };
}

export interface GeneratedReviewer {
  id: string;
  category: string;
  capacity: number;
}

/**
 * A roster CSV (the format of examples/reviewers.csv) big enough for the plan: per category enough reviewers
 * for every seat with a margin of 50 %, at least `reviewersPerProposal + 2` each, capacity `capacity`.
 */
export function planRoster(
  plan: ProposalPlan,
  profile: Profile,
  capacity = 40,
): { csv: string; reviewers: GeneratedReviewer[] } {
  const seats = profile.review.reviewersPerProposal;
  const universities = [
    ['Universitas Indonesia', 'Jawa Barat', 'Kota Depok'],
    ['Universitas Gadjah Mada', 'DI Yogyakarta', 'Kabupaten Sleman'],
    ['Institut Teknologi Bandung', 'Jawa Barat', 'Kota Bandung'],
    ['Universitas Airlangga', 'Jawa Timur', 'Kota Surabaya'],
    ['Universitas Hasanuddin', 'Sulawesi Selatan', 'Kota Makassar'],
    ['Universitas Sumatera Utara', 'Sumatera Utara', 'Kota Medan'],
    ['Universitas Nusa Cendana', 'Nusa Tenggara Timur', 'Kota Kupang'],
  ] as const;
  const header = 'id,name,email,institution,province,regency,expertise,capacity,language,active,conflicts';
  const rows: string[] = [header];
  const reviewers: GeneratedReviewer[] = [];
  for (const category of profile.categories) {
    const needed = (plan.validPerCategory[category.id] ?? 0) * seats;
    const count = Math.max(seats + 2, Math.ceil((needed * 1.5) / capacity));
    for (let i = 1; i <= count; i++) {
      const id = `bench-${category.id}-${String(i).padStart(3, '0')}`;
      const [institution, province, regency] = universities[
        (reviewers.length + i) % universities.length
      ] as (typeof universities)[number];
      rows.push(
        [
          id,
          `Dr. Penelaah ${category.name.replace(/,/g, '')} ${i}`,
          `${id}@example.ac.id`,
          institution,
          province,
          regency,
          category.id,
          String(capacity),
          i % 4 === 0 ? 'en' : 'id',
          'ya',
          '',
        ].join(','),
      );
      reviewers.push({ id, category: category.id, capacity });
    }
  }
  return { csv: `${rows.join('\n')}\n`, reviewers };
}
