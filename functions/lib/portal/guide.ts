/**
 * The submitters' guide, generated from the competition profile: the accepted files and their size limit, the
 * identity fields and their labels, the groups with their sections, other accepted names and word limits, the
 * minimum age, quota and duplicate-title rules, the submission deadline, and every code the check reports with
 * its fix (taken from the check's own message catalogue). Limits and sections cannot disagree with the check
 * because both read the same profile.
 *
 * One model, two renderings: `renderGuide` gives the portal page's body (an HTML fragment in the review page's
 * look: cards, definition lists; no script, no external asset, no link built from data, every value escaped by
 * the `html` template), `renderGuideMarkdown` gives docs/proposal-format.md (`npm run docs:guide`).
 * Pure: no clock, no I/O; dates are written out here so the output is the same on every machine.
 */
import type { Lang, Text } from '../i18n';
import type { FileFormat, IdentityFieldId, Profile } from '../profile';
import { type HtmlValue, html, type SafeHtml, safeHref } from '../review/html';
// The catalogue, not the validation index: the page needs no document parser in its bundle.
import { formatBytes, ISSUE_CODES, issue } from '../validation/messages';
import { addMonths } from '../validation/text';
import type { IssueCode } from '../validation/types';
import {
  CODE_PLACEHOLDERS,
  FIELD_EXAMPLES,
  FIELD_RULES,
  FORMAT_TEXT,
  FORMAT_UNSUPPORTED_FIX,
  GENERIC_PLACEHOLDER,
  GUIDE_COLUMNS,
  GUIDE_TEXT,
  PLACEHOLDERS,
} from './guide-text';

// --------------------------------------------------------------------------------------------------- model

/** A run of text: plain, bold or code. The text is always plain (escaped by each renderer). */
type Inline = { kind: 'text' | 'strong' | 'code'; text: string };
type Cell = Inline[];

type Block =
  | { kind: 'p'; content: Inline[] }
  | { kind: 'h3'; text: string }
  | { kind: 'list'; items: Inline[][] }
  | { kind: 'table'; head: readonly string[]; rows: Cell[][] }
  | { kind: 'pre'; text: string; info?: string };

interface Part {
  /** Fixed anchor (never built from data). */
  anchor: string;
  heading: string;
  blocks: Block[];
}

interface Guide {
  lang: Lang;
  title: string;
  lead: Block[];
  parts: Part[];
}

const plain = (text: string): Inline => ({ kind: 'text', text });

/**
 * Parses a constant of guide-text.ts (`**bold**`, `` `code` ``, `{name}` slots) into runs, then fills the slots
 * with values. Markup is read from the constant only: a value is inserted as text into the run it sits in, so a
 * value can never add markup.
 */
function fillRuns(template: string, values: Record<string, string | number> = {}): Inline[] {
  const runs: Inline[] = [];
  const pattern = /\*\*(.+?)\*\*|`([^`]+)`/g;
  let last = 0;
  const push = (kind: Inline['kind'], text: string) => {
    const filled = text.replace(/\{(\w+)\}/g, (_slot, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`guide text slot {${key}} has no value`);
      return String(value);
    });
    if (filled) runs.push({ kind, text: filled });
  };
  for (const match of template.matchAll(pattern)) {
    push('text', template.slice(last, match.index));
    if (match[1] !== undefined) push('strong', match[1]);
    else push('code', match[2] ?? '');
    last = match.index + match[0].length;
  }
  push('text', template.slice(last));
  return runs;
}

const MONTHS: Record<Lang, readonly string[]> = {
  id: [
    'Januari',
    'Februari',
    'Maret',
    'April',
    'Mei',
    'Juni',
    'Juli',
    'Agustus',
    'September',
    'Oktober',
    'November',
    'Desember',
  ],
  en: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
};
const WEEKDAYS: Record<Lang, readonly string[]> = {
  id: ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};
/** Indonesia's zones by their usual names; any other zone is named by its IANA id. */
const ZONE_NAMES: Record<string, string> = {
  'Asia/Jakarta': 'WIB',
  'Asia/Pontianak': 'WIB',
  'Asia/Makassar': 'WITA',
  'Asia/Jayapura': 'WIT',
};

/**
 * "Senin, 30 Juni 2025" / "Monday, 30 June 2025" for a `YYYY-MM-DD` day, written out without Intl so the
 * generated docs file does not change with the ICU data of the Node.js that runs the script.
 */
function formatDay(iso: string, lang: Lang, weekday = true): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const day = `${d} ${MONTHS[lang][m - 1]} ${y}`;
  if (!weekday) return day;
  return `${WEEKDAYS[lang][new Date(Date.UTC(y, m - 1, d)).getUTCDay()]}, ${day}`;
}

function formatYears(years: number, lang: Lang): string {
  return lang === 'id' ? String(years).replace('.', ',') : String(years);
}

const FORMAT_NAMES: Record<FileFormat, Text> = {
  docx: { id: 'DOCX', en: 'DOCX' },
  pdf: { id: 'PDF', en: 'PDF' },
  markdown: { id: 'Markdown', en: 'Markdown' },
  text: { id: 'teks', en: 'text' },
  json: { id: 'JSON', en: 'JSON' },
};

/** The extension a file of each format is named with. */
const EXTENSIONS: Record<FileFormat, string> = {
  docx: 'docx',
  pdf: 'pdf',
  markdown: 'md',
  text: 'txt',
  json: 'json',
};

/**
 * Codes the check can only report for one format: left out when the profile does not accept it. Keyed by code
 * as a string: an entry may name a code the catalogue does not hold yet.
 */
const CODE_FORMAT: Record<string, FileFormat> = {
  PDF_NO_TEXT: 'pdf',
  PDF_ACTIVE_CONTENT: 'pdf',
  PDF_ENCRYPTED: 'pdf',
  PDF_TIMEOUT: 'pdf',
  FORM_INVALID: 'json',
  IDENTITY_UNRECOGNIZED: 'json',
  SECTION_UNRECOGNIZED: 'json',
};

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** The message and fix the check gives for a code, with placeholders in place of a proposal's values. */
function describeCode(profile: Profile, code: IssueCode, lang: Lang) {
  const known: Record<string, string> = {};
  // A parameter the tables do not name yet (a code added to the catalogue) shows as "[…]", never "undefined".
  const params = new Proxy(known, {
    get: (target, key) => (typeof key === 'string' ? (target[key] ?? GENERIC_PLACEHOLDER[lang]) : undefined),
  });
  for (const [key, text] of Object.entries(PLACEHOLDERS)) params[key] = text[lang];
  for (const [key, text] of Object.entries(CODE_PLACEHOLDERS[code] ?? {})) params[key] = text[lang];
  // whatId/whatEn are one parameter per language: the English message reads whatEn.
  if (CODE_PLACEHOLDERS[code]?.whatId) params.whatEn = params.whatId ?? GENERIC_PLACEHOLDER[lang];
  const formats = profile.files.formats.map((f) => FORMAT_NAMES[f][lang]).join(', ');
  const sectionNames = unique(profile.groups.flatMap((g) => g.sections.map((s) => s.name)));
  const options: Partial<Record<IssueCode, string>> = {
    GROUP_UNKNOWN: profile.groups.map((g) => g.name).join(', '),
    CATEGORY_UNKNOWN: profile.categories.map((c) => c.name).join(', '),
    SECTION_UNRECOGNIZED: sectionNames.join(', '),
    IDENTITY_UNRECOGNIZED: profile.identityFields.map((f) => f.labels[0] ?? f.id).join(', '),
  };
  params.options = options[code] ?? '';
  if (code === 'FILE_TOO_LARGE') params.max = formatBytes(profile.files.maxBytes);
  const fix = FORMAT_UNSUPPORTED_FIX[lang].replace('{formats}', formats);
  params.fixId = fix;
  params.fixEn = fix;
  const rule = profile.eligibility.duplicateTitles;
  const found = issue(code, params, code === 'DUPLICATE_TITLE' && rule !== 'allow' ? { severity: rule } : {});
  return { severity: found.severity, message: found.message[lang], hint: found.hint[lang] };
}

/** The codes this profile's check can report, in the catalogue's order. */
function reportedCodes(profile: Profile): IssueCode[] {
  return ISSUE_CODES.filter((code) => {
    if (code === 'DUPLICATE_TITLE' && profile.eligibility.duplicateTitles === 'allow') return false;
    const format = CODE_FORMAT[code];
    return !format || profile.files.formats.includes(format);
  });
}

/** The example identity block: the first label of each field, with a sample value. */
function exampleIdentity(profile: Profile): string {
  const group = profile.groups[0]?.name ?? '';
  const category =
    (profile.categories.find((c) => c.id === 'kesehatan') ?? profile.categories[0])?.name ?? '';
  const sample = (id: IdentityFieldId) =>
    id === 'group' ? group : id === 'category' ? category : FIELD_EXAMPLES[id];
  // One line per field whatever a label holds.
  const line = (text: string) => text.replace(/\s+/g, ' ');
  return profile.identityFields.map((f) => line(`${f.labels[0] ?? f.id}: ${sample(f.id)}`)).join('\n');
}

function exampleForm(profile: Profile): string {
  const identity: Record<string, string> = {};
  for (const field of profile.identityFields) identity[field.id] = '...';
  const sections: Record<string, string> = {};
  for (const section of profile.groups[0]?.sections ?? []) sections[section.name] = '...';
  return JSON.stringify({ identity, sections }, null, 2);
}

/** Guides built, per profile object (a Lambda parses its profile once), language and use. */
const built = new WeakMap<Profile, Map<string, Guide>>();

/** The guide's model, built once per profile, language and use, then shared (it is never changed). */
function guideFor(profile: Profile, lang: Lang, forDocs: boolean): Guide {
  let guides = built.get(profile);
  if (!guides) {
    guides = new Map();
    built.set(profile, guides);
  }
  const key = `${lang}|${forDocs}`;
  let guide = guides.get(key);
  if (!guide) {
    guide = buildGuide(profile, lang, forDocs);
    guides.set(key, guide);
  }
  return guide;
}

/** `forDocs` adds what only the docs file carries (the operators' note on the command line). */
function buildGuide(profile: Profile, lang: Lang, forDocs: boolean): Guide {
  const t = <K extends keyof typeof GUIDE_TEXT>(key: K) => GUIDE_TEXT[key][lang];
  const p = (template: string, values?: Record<string, string | number>): Block => ({
    kind: 'p',
    content: fillRuns(template, values),
  });
  const yesNo = (value: boolean) => [plain(value ? t('yes') : t('no'))];
  const list = (values: readonly string[]) => [plain(values.length ? values.join(', ') : t('none'))];
  const zone = ZONE_NAMES[profile.timeZone] ?? profile.timeZone;
  const deadline = fillRuns(t('deadlineAt'), { day: formatDay(profile.submissionDeadline, lang), zone })
    .map((r) => r.text)
    .join('');
  const latestStart = (years: number) =>
    formatDay(addMonths(profile.submissionDeadline, -Math.round(years * 12)), lang, false);

  const lead: Block[] = [
    p(t('intro'), { competition: profile.name }),
    p(t('deadline'), { deadline }),
    p(t('checkDraft')),
    p(t('portalLimits'), {
      drafts: profile.portal.draftsPerHour,
      submissions: profile.portal.submissionsPerHour,
      minutes: profile.portal.formMinutes,
    }),
    p(t('templates')),
  ];

  const files: Part = {
    anchor: 'files',
    heading: t('filesHeading'),
    blocks: [
      p(t('filesAccepted')),
      { kind: 'list', items: profile.files.formats.map((f) => fillRuns(FORMAT_TEXT[f][lang])) },
      p(t('filesSize'), { max: formatBytes(profile.files.maxBytes) }),
      // The catalogue says whether a name that contradicts the content is refused or only warned about.
      issue('FORMAT_EXTENSION_MISMATCH').severity === 'error'
        ? p(t('filesNamed'), { extensions: profile.files.formats.map((f) => `.${EXTENSIONS[f]}`).join(', ') })
        : p(t('filesDetected')),
      p(t('filesRefused')),
    ],
  };

  const groupNames = profile.groups.map((g) => g.name).join(', ');
  const identity: Part = {
    anchor: 'identity',
    heading: t('identityHeading'),
    blocks: [
      p(t('identityIntro')),
      {
        kind: 'table',
        head: GUIDE_COLUMNS.identity[lang],
        rows: profile.identityFields.map((field) => [
          [{ kind: 'strong', text: field.labels[0] ?? field.id }],
          list(field.labels),
          yesNo(field.required),
          fillRuns(FIELD_RULES[field.id][lang], { groups: groupNames }),
        ]),
      },
      { kind: 'h3', text: t('exampleHeading') },
      { kind: 'pre', text: exampleIdentity(profile) },
      { kind: 'h3', text: t('categoriesHeading') },
      p(t('categoriesIntro')),
      {
        kind: 'list',
        items: profile.categories.map((c) => [
          { kind: 'strong', text: c.name },
          ...(c.aliases.length ? [plain(` (${c.aliases.join(', ')})`)] : []),
        ]),
      },
      { kind: 'h3', text: t('datesHeading') },
      p(t('datesIntro')),
    ],
  };

  const sections: Part = {
    anchor: 'sections',
    heading: t('sectionsHeading'),
    blocks: [p(t('sectionsIntro')), p(t('wordsIntro')), p(t('groupIntro'))],
  };
  for (const group of profile.groups) {
    sections.blocks.push({
      kind: 'h3',
      text: fillRuns(t('groupHeading'), { group: group.name })[0]?.text ?? '',
    });
    if (group.aliases.length)
      sections.blocks.push(p(t('groupAliases'), { aliases: group.aliases.join(', ') }));
    sections.blocks.push(
      group.minAgeYears > 0
        ? p(t('groupAge'), {
            years: formatYears(group.minAgeYears, lang),
            latest: latestStart(group.minAgeYears),
          })
        : p(t('groupNoAge')),
      p(t('groupQuota'), { quota: group.quotaPerInstitution }),
      {
        kind: 'table',
        head: GUIDE_COLUMNS.section[lang],
        rows: group.sections.map((s) => [
          [{ kind: 'strong', text: s.name }],
          list(s.aliases),
          [plain(String(s.maxWords))],
          yesNo(s.required),
        ]),
      },
    );
  }
  sections.blocks.push(p(t('sectionsRules')));

  const rule = profile.eligibility.duplicateTitles;
  const rules: Part = {
    anchor: 'rules',
    heading: t('rulesHeading'),
    blocks: [
      {
        kind: 'list',
        items: [
          fillRuns(
            t(
              rule === 'error'
                ? 'duplicateError'
                : rule === 'warning'
                  ? 'duplicateWarning'
                  : 'duplicateAllow',
            ),
          ),
          fillRuns(t('quotaRule'), {
            quotas: profile.groups
              .map((g) => fillRuns(t('quotaItem'), { group: g.name, quota: g.quotaPerInstitution })[0]?.text)
              .join(', '),
          }),
          fillRuns(t('ageRule'), {
            ages: profile.groups
              .map(
                (g) =>
                  fillRuns(t('ageItem'), { group: g.name, years: formatYears(g.minAgeYears, lang) })[0]?.text,
              )
              .join(', '),
          }),
        ],
      },
    ],
  };

  const report: Part = {
    anchor: 'report',
    heading: t('reportHeading'),
    blocks: [
      p(t('reportIntro')),
      p(t('resubmit')),
      {
        kind: 'table',
        head: GUIDE_COLUMNS.code[lang],
        rows: reportedCodes(profile).map((code) => {
          const d = describeCode(profile, code, lang);
          return [
            [{ kind: 'code', text: code }],
            [plain(d.severity === 'error' ? t('error') : t('warning'))],
            [plain(d.message)],
            [plain(d.hint)],
          ];
        }),
      },
    ],
  };

  const parts = [files, identity, sections, rules, report];
  if (profile.files.formats.includes('json')) {
    parts.push({
      anchor: 'form',
      heading: t('formHeading'),
      blocks: [p(t('formIntro')), { kind: 'pre', text: exampleForm(profile), info: 'json' }],
    });
  }
  if (forDocs) parts.push({ anchor: 'ops', heading: t('opsHeading'), blocks: [p(t('opsNote'))] });
  return { lang, title: t('title'), lead, parts };
}

// ---------------------------------------------------------------------------------------------------- HTML

function inlineHtml(runs: readonly Inline[]): SafeHtml {
  return html`${runs.map((r) =>
    r.kind === 'strong'
      ? html`<strong>${r.text}</strong>`
      : r.kind === 'code'
        ? html`<code>${r.text}</code>`
        : r.text,
  )}`;
}

function blockHtml(block: Block): SafeHtml {
  switch (block.kind) {
    case 'p':
      return html`<p>${inlineHtml(block.content)}</p>`;
    case 'h3':
      return html`<h3>${block.text}</h3>`;
    case 'list':
      return html`<ul>${block.items.map((item) => html`<li>${inlineHtml(item)}</li>`)}</ul>`;
    case 'pre':
      // Lines kept, indentation as no-break spaces, long lines wrapped (a <pre> would widen a phone's page).
      return html`<p class="summary"><code>${block.text
        .split('\n')
        .map(
          (line, i) =>
            html`${i ? html`<br>` : ''}${line.replace(/^ +/, (lead) => '\u00a0'.repeat(lead.length))}`,
        )}</code></p>`;
    case 'table':
      // A definition list (the first column, then the others labelled by their heading) reads on a phone
      // where a wide table would not.
      return html`<dl>${block.rows.map(
        ([first, ...rest]) =>
          html`<dt>${inlineHtml(first ?? [])}</dt><dd>${rest.map(
            (cell, i) =>
              html`${i ? html`<br>` : ''}<span class="muted">${block.head[i + 1] ?? ''}:</span> ${inlineHtml(cell)}`,
          )}</dd>`,
      )}</dl>`;
  }
}

/** `href` with its `lang` parameter set to `lang` (other parameters and the fragment kept). */
function withLang(href: string, lang: Lang): string {
  const hashAt = href.indexOf('#');
  const hash = hashAt >= 0 ? href.slice(hashAt) : '';
  const beforeHash = hashAt >= 0 ? href.slice(0, hashAt) : href;
  const queryAt = beforeHash.indexOf('?');
  const path = queryAt >= 0 ? beforeHash.slice(0, queryAt) : beforeHash;
  const params = (queryAt >= 0 ? beforeHash.slice(queryAt + 1) : '')
    .split('&')
    .filter((pair) => pair && !/^lang(=|$)/.test(pair));
  params.push(`lang=${lang}`);
  return `${path}?${params.join('&')}${hash}`;
}

export interface GuideOptions {
  /**
   * The address the portal serves this page at (built by the portal, never from profile data). When given, the
   * page links to itself in the other language (`lang` parameter); other parameters, such as the signed
   * ones, are kept.
   */
  baseHref?: string;
}

/** The page's markup below the language link, rendered once per guide model (the link is per request). */
const bodies = new WeakMap<Guide, SafeHtml>();

function guideBody(guide: Guide): SafeHtml {
  let body = bodies.get(guide);
  if (!body) {
    body = html`${guide.lead.map((b) => html`${blockHtml(b)}\n`)}
<nav aria-label="${GUIDE_TEXT.contents[guide.lang]}"><ul>${guide.parts.map(
      (part) => html`<li><a href="#guide-${part.anchor}">${part.heading}</a></li>`,
    )}</ul></nav>
</section>
${guide.parts.map(
  (part) => html`<section class="card" id="guide-${part.anchor}">
<h2>${part.heading}</h2>
${part.blocks.map((b) => html`${blockHtml(b)}\n`)}</section>
`,
)}`;
    bodies.set(guide, body);
  }
  return body;
}

/**
 * The guide as the body of a portal page, in `lang`: an HTML fragment (no <html>, no style, no script).
 * Built once per profile object and language: a profile is not to be changed after its first rendering.
 */
export function renderGuide(profile: Profile, lang: Lang, opts: GuideOptions = {}): string {
  const guide = guideFor(profile, lang, false);
  const other: Lang = lang === 'id' ? 'en' : 'id';
  const switcher: HtmlValue = opts.baseHref
    ? html`<p><a href="${safeHref(withLang(opts.baseHref, other))}" hreflang="${other}" lang="${other}">${GUIDE_TEXT.otherLanguage[lang]}</a></p>`
    : '';
  // `summary` (the review page's class for free text) wraps a long word or address instead of widening the page.
  return html`<div class="guide summary" lang="${lang}">
<section class="card">
<h1>${guide.title}</h1>
${switcher}
${guideBody(guide)}</div>
`.value;
}

// ------------------------------------------------------------------------------------------------ Markdown

/**
 * Escapes text for Markdown: every inline-markup and HTML character gets a backslash, whitespace (line breaks
 * included) becomes one space so a value cannot start a block. Text that an extended-autolink renderer would
 * turn into a link becomes a code span instead, so no link is built from data.
 */
function mdText(text: string, inTable = false): string {
  return text
    .replace(/\s+/g, ' ')
    .split(' ')
    .map((word) =>
      /:\/\/|www\./i.test(word) ? mdCode(word, inTable) : word.replace(/[\\`*_[\]<>|&~#!]/g, '\\$&'),
    )
    .join(' ');
}

/**
 * A code span whose fence is longer than any backtick run inside it. In a table cell a `|` is escaped even
 * there (a table row splits at any unescaped one, code span or not).
 */
function mdCode(text: string, inTable = false): string {
  const spaced = text.replace(/\s+/g, ' ');
  const flat = inTable ? spaced.replace(/\|/g, '\\|') : spaced;
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function inlineMd(runs: readonly Inline[], inTable = false): string {
  return runs
    .map((r) =>
      r.kind === 'strong'
        ? `**${mdText(r.text, inTable)}**`
        : r.kind === 'code'
          ? mdCode(r.text, inTable)
          : mdText(r.text, inTable),
    )
    .join('');
}

function blockMd(block: Block): string {
  switch (block.kind) {
    case 'p':
      return inlineMd(block.content);
    case 'h3':
      return `### ${mdText(block.text)}`;
    case 'list':
      return block.items.map((item) => `- ${inlineMd(item)}`).join('\n');
    case 'pre': {
      const longest = Math.max(2, ...(block.text.match(/`+/g) ?? []).map((run) => run.length));
      const fence = '`'.repeat(longest + 1);
      return `${fence}${block.info ?? ''}\n${block.text}\n${fence}`;
    }
    case 'table':
      return [
        `| ${block.head.map((h) => mdText(h, true)).join(' | ')} |`,
        `|${block.head.map(() => '---|').join('')}`,
        ...block.rows.map((row) => `| ${row.map((cell) => inlineMd(cell, true)).join(' | ')} |`),
      ].join('\n');
  }
}

/** The guide as Markdown, in `lang` (one language; scripts/guide.ts puts both into docs/proposal-format.md). */
export function renderGuideMarkdown(profile: Profile, lang: Lang): string {
  const guide = guideFor(profile, lang, true);
  const out = [`# ${mdText(guide.title)}`, ...guide.lead.map(blockMd)];
  for (const part of guide.parts) out.push(`## ${mdText(part.heading)}`, ...part.blocks.map(blockMd));
  return `${out.join('\n\n')}\n`;
}
