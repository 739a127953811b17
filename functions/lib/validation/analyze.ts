/** From document blocks to identity, sections and issues, following the profile. Pure. */
import type { IdentityFieldId, Profile, ProfileGroup } from '../profile';
import { IDENTITY_MAX_LENGTH, quotedName, singleLine } from './clean';
import { issue } from './messages';
import { checkBudget } from './plain';
import {
  addMonths,
  cleanEmail,
  countWords,
  findUrl,
  headingKey,
  isValidEmail,
  isValidPhone,
  isYouTubeVideo,
  parseDate,
  splitLabelLine,
  stripInlineMarkup,
} from './text';
import type { Block, Budget, Identity, Issue, ParsedDocument, SectionReport } from './types';

/** English names of the identity fields, for messages (profiles hold the labels users write). */
export const IDENTITY_NAMES_EN: Record<IdentityFieldId, string> = {
  title: 'Title',
  institution: 'Institution',
  group: 'Group',
  category: 'Category',
  startDate: 'Start date',
  innovator: 'Innovator',
  email: 'Email',
  phone: 'Phone',
  video: 'Video link',
};

/** A paragraph this short that matches a section name is a heading written as plain text. */
const MAX_HEADING_WORDS = 8;
/** Level given to headings written as plain paragraphs: only a document title (level 0) closes them. */
const PLAIN_HEADING_LEVEL = 0.5;

export interface Analysis {
  identity: Identity;
  group?: ProfileGroup;
  category?: { id: string; name: string };
  sections: SectionReport[];
  issues: Issue[];
}

interface Lookups {
  sections: Map<string, string>;
  sectionNames: Map<string, string>;
  identity: Map<string, IdentityFieldId>;
}

function lookups(profile: Profile): Lookups {
  const sections = new Map<string, string>();
  const sectionNames = new Map<string, string>();
  for (const group of profile.groups) {
    for (const s of group.sections) {
      sectionNames.set(s.id, sectionNames.get(s.id) ?? s.name);
      for (const key of [s.name, s.id, ...s.aliases].map(headingKey))
        if (key && !sections.has(key)) sections.set(key, s.id);
    }
  }
  const identity = new Map<string, IdentityFieldId>();
  for (const field of profile.identityFields) {
    const idWords = field.id.replace(/([a-z])([A-Z])/g, '$1 $2');
    for (const key of [field.id, idWords, ...field.labels].map(headingKey))
      if (key && !identity.has(key)) identity.set(key, field.id);
  }
  return { sections, sectionNames, identity };
}

interface Found {
  words: number;
  occurrences: number;
  /** The section's first paragraphs, for reviewers (capped). */
  excerpt: string;
}

/** How much of a section's text the report keeps (the review page shows the summary). */
const EXCERPT_CHARS = 1500;

function blockText(block: Block): string {
  return block.kind === 'row' ? block.cells.join(' ') : block.text;
}

/** Cells of an identity row without numbering and separator cells ("1.", ":"). */
function meaningfulCells(cells: string[]): string[] {
  return cells.map((c) => c.trim()).filter((c, i) => c && c !== ':' && !(i === 0 && /^\d+[.)]?$/.test(c)));
}

function matchGroup(profile: Profile, value: string): ProfileGroup | undefined {
  const key = headingKey(value).replace(/^kelompok /, '');
  return profile.groups.find((g) =>
    [g.id, g.name, ...g.aliases].some((n) => headingKey(n) === key || headingKey(n) === headingKey(value)),
  );
}

function matchCategory(profile: Profile, value: string) {
  const key = headingKey(value).replace(/^kategori /, '');
  return profile.categories.find((c) =>
    [c.id, c.name, ...c.aliases].some((n) => headingKey(n) === key || headingKey(n) === headingKey(value)),
  );
}

/** The group whose sections best explain the headings found (used when the group is not written). */
function inferGroup(profile: Profile, found: Map<string, Found>): ProfileGroup | undefined {
  let best: ProfileGroup | undefined;
  let bestScore = 0;
  let tie = false;
  for (const group of profile.groups) {
    const ids = new Set(group.sections.map((s) => s.id));
    let score = 0;
    for (const id of found.keys()) score += ids.has(id) ? 1 : -1;
    if (score > bestScore) {
      best = group;
      bestScore = score;
      tie = false;
    } else if (score === bestScore && score > 0) tie = true;
  }
  return tie ? undefined : best;
}

/** How many blocks are read between two looks at the clock. */
const CLOCK_EVERY = 512;

export function analyze(doc: ParsedDocument, profile: Profile, now: Date, budget?: Budget): Analysis {
  const look = lookups(profile);
  const issues: Issue[] = [];
  const found = new Map<string, Found>();
  const raw: Partial<Record<IdentityFieldId, { value: string; links: string[] }>> = {};
  let current: { id: string; level: number } | undefined;

  const startSection = (id: string, level: number, firstWords: number) => {
    const entry = found.get(id) ?? { words: 0, occurrences: 0, excerpt: '' };
    entry.occurrences++;
    entry.words += firstWords;
    found.set(id, entry);
    current = { id, level };
  };
  const addWords = (text: string) => {
    if (!current) return;
    const entry = found.get(current.id);
    if (!entry) return;
    entry.words += countWords(text);
    if (entry.excerpt.length < EXCERPT_CHARS) {
      const clean = singleLine(text.slice(0, EXCERPT_CHARS));
      entry.excerpt = `${entry.excerpt}${entry.excerpt ? ' ' : ''}${clean}`.slice(0, EXCERPT_CHARS);
    }
  };
  const setIdentity = (label: string, value: string, links: string[] = []): boolean => {
    const field = look.identity.get(headingKey(label));
    if (!field) return false;
    const clean = singleLine(value);
    if (clean && raw[field] === undefined) raw[field] = { value: clean, links };
    return true;
  };
  const unrecognizedIdentity = (label: string) => {
    if (!doc.strict) return;
    const options = profile.identityFields.map((f) => f.labels[0] ?? f.id).join(', ');
    issues.push(issue('IDENTITY_UNRECOGNIZED', { name: quotedName(label), options }));
  };

  for (const [index, block] of doc.blocks.entries()) {
    if (budget && index % CLOCK_EVERY === 0) checkBudget(budget);
    if (block.kind === 'heading') {
      const id = look.sections.get(headingKey(block.text));
      if (id) {
        startSection(id, block.level, 0);
        continue;
      }
      if (doc.strict) {
        const options = [...look.sectionNames.values()].join(', ');
        issues.push(issue('SECTION_UNRECOGNIZED', { name: quotedName(block.text), options }));
        current = undefined;
        continue;
      }
      if (current && block.level <= current.level) current = undefined;
      else addWords(block.text);
      continue;
    }
    if (block.kind === 'paragraph') {
      const text = block.text;
      if (countWords(text) <= MAX_HEADING_WORDS) {
        const id = look.sections.get(headingKey(text));
        if (id) {
          startSection(id, current?.level ?? PLAIN_HEADING_LEVEL, 0);
          continue;
        }
      }
      const pair = splitLabelLine(text);
      if (pair) {
        const id = look.sections.get(headingKey(pair.label));
        if (id && pair.value) {
          startSection(id, current?.level ?? PLAIN_HEADING_LEVEL, countWords(stripInlineMarkup(pair.value)));
          continue;
        }
        if (!current && setIdentity(pair.label, pair.value, block.links)) continue;
      }
      addWords(stripInlineMarkup(text));
      continue;
    }
    // A table row.
    const cells = meaningfulCells(block.cells);
    const [label, ...rest] = cells;
    if (label !== undefined && rest.length > 0) {
      const id = look.sections.get(headingKey(label));
      if (id) {
        startSection(id, current?.level ?? PLAIN_HEADING_LEVEL, countWords(rest.join(' ')));
        continue;
      }
      if (!current) {
        if (!setIdentity(label, rest.join(' '), block.links)) unrecognizedIdentity(label);
        continue;
      }
    }
    addWords(blockText(block));
  }

  // Identity fields.
  const identity: Identity = {};
  const fieldLabel = (id: IdentityFieldId) =>
    profile.identityFields.find((f) => f.id === id)?.labels[0] ?? id;
  for (const field of profile.identityFields) {
    const entry = raw[field.id];
    if (!entry) {
      if (field.required) {
        issues.push(
          issue('IDENTITY_MISSING', {
            label: fieldLabel(field.id),
            labelEn: `${IDENTITY_NAMES_EN[field.id]} (${fieldLabel(field.id)})`,
          }),
        );
      }
      continue;
    }
    // One line of visible text, at most the field's length: the value travels into emails, pages and terminals.
    let line = singleLine(entry.value);
    const max = IDENTITY_MAX_LENGTH[field.id];
    if (line.length > max) {
      issues.push(
        issue('IDENTITY_TOO_LONG', {
          label: fieldLabel(field.id),
          labelEn: `${IDENTITY_NAMES_EN[field.id]} (${fieldLabel(field.id)})`,
          length: line.length,
          max,
        }),
      );
      line = line.slice(0, max);
    }
    const value = stripInlineMarkup(line);
    switch (field.id) {
      case 'email': {
        const email = cleanEmail(line);
        identity.email = email;
        if (!isValidEmail(email)) issues.push(issue('EMAIL_INVALID', { value: email }));
        break;
      }
      case 'phone':
        identity.phone = value;
        if (!isValidPhone(value)) issues.push(issue('PHONE_INVALID', { value }));
        break;
      case 'video': {
        const candidates = [line, ...entry.links.slice(0, 20).map((link) => singleLine(link).slice(0, max))];
        const url = candidates.map((c) => findUrl(c)).find((u) => u !== undefined);
        identity.video = url ?? value;
        if (!candidates.some((c) => isYouTubeVideo(c)))
          issues.push(issue('VIDEO_NOT_YOUTUBE', { value: identity.video }));
        break;
      }
      case 'startDate': {
        const iso = parseDate(value);
        if (iso) identity.startDate = iso;
        else issues.push(issue('START_DATE_INVALID', { value }));
        break;
      }
      default:
        identity[field.id] = value;
    }
  }

  // Group and category.
  let group: ProfileGroup | undefined;
  if (identity.group) {
    group = matchGroup(profile, identity.group);
    if (!group) {
      issues.push(
        issue('GROUP_UNKNOWN', {
          value: identity.group,
          options: profile.groups.map((g) => g.name).join(', '),
        }),
      );
    }
  }
  group ??= inferGroup(profile, found);
  let category: { id: string; name: string } | undefined;
  if (identity.category) {
    const match = matchCategory(profile, identity.category);
    if (match) category = { id: match.id, name: match.name };
    else {
      issues.push(
        issue('CATEGORY_UNKNOWN', {
          value: identity.category,
          options: profile.categories.map((c) => c.name).join(', '),
        }),
      );
    }
  }

  // Dates: in the past, and old enough at the deadline for the group.
  if (identity.startDate) {
    const today = now.toISOString().slice(0, 10);
    if (identity.startDate > today) issues.push(issue('START_DATE_IN_FUTURE', { date: identity.startDate }));
    else if (group) {
      const latest = addMonths(profile.submissionDeadline, -Math.round(group.minAgeYears * 12));
      if (identity.startDate > latest) {
        issues.push(
          issue('INNOVATION_TOO_YOUNG', {
            date: identity.startDate,
            group: group.name,
            years: group.minAgeYears,
            deadline: profile.submissionDeadline,
            latest,
          }),
        );
      }
    }
  }

  // Sections of the group.
  const sections: SectionReport[] = [];
  if (group) {
    for (const s of group.sections) {
      const entry = found.get(s.id);
      sections.push({
        id: s.id,
        name: s.name,
        words: entry?.words ?? 0,
        limit: s.maxWords,
        present: !!entry,
        ...(entry?.excerpt ? { excerpt: entry.excerpt } : {}),
      });
      const params = { name: s.name, limit: s.maxWords };
      if (!entry) {
        if (s.required) issues.push(issue('SECTION_MISSING', params, { section: s.id }));
        continue;
      }
      if (entry.occurrences > 1) issues.push(issue('SECTION_DUPLICATE', params, { section: s.id }));
      if (entry.words === 0) {
        if (s.required) issues.push(issue('SECTION_EMPTY', params, { section: s.id }));
      } else if (entry.words > s.maxWords) {
        issues.push(
          issue(
            'WORD_LIMIT_EXCEEDED',
            { ...params, words: entry.words, over: entry.words - s.maxWords },
            { section: s.id },
          ),
        );
      }
    }
    const own = new Set(group.sections.map((s) => s.id));
    for (const id of found.keys()) {
      if (!own.has(id)) {
        issues.push(
          issue(
            'SECTION_NOT_IN_GROUP',
            { name: look.sectionNames.get(id) ?? id, group: group.name },
            { section: id },
          ),
        );
      }
    }
  }

  const analysis: Analysis = { identity, sections, issues };
  if (group) analysis.group = group;
  if (category) analysis.category = category;
  return analysis;
}
