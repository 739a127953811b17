import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderGuide, renderGuideMarkdown } from '../../../functions/lib/portal/guide';
import { bundledProfile, type Profile, parseProfile } from '../../../functions/lib/profile';
import { validateDocument } from '../../../functions/lib/validation';
import { formatBytes, ISSUE_CODES } from '../../../functions/lib/validation/messages';
import { DEFAULT_PROFILE_PATH, GUIDE_PATH, guideDocument, readProfile } from '../../../scripts/guide';
import { expectEscaped, externalAssets } from '../review/fixtures';

const kipp = bundledProfile('kipp');
const kippJson = (): Record<string, unknown> & { groups: Array<Record<string, unknown>> } =>
  JSON.parse(readFileSync(DEFAULT_PROFILE_PATH, 'utf8'));

/** The profile file with changes applied to a copy, validated like any profile. */
function variant(change: (json: ReturnType<typeof kippJson>) => void): Profile {
  const json = kippJson();
  change(json);
  return parseProfile(json, 'variant');
}

/** The text content of the `<dd>` that follows the `<dt>` holding `term` (tags removed). */
function detailsOf(markup: string, term: string): string {
  const at = markup.indexOf(`<dt><strong>${term}</strong></dt><dd>`);
  expect(at, `no entry for ${term}`).toBeGreaterThanOrEqual(0);
  const start = markup.indexOf('<dd>', at) + 4;
  return markup.slice(start, markup.indexOf('</dd>', start)).replace(/<[^>]+>/g, ' ');
}

const TAGS = new Set([
  'div',
  'section',
  'nav',
  'h1',
  'h2',
  'h3',
  'p',
  'a',
  'ul',
  'li',
  'dl',
  'dt',
  'dd',
  'span',
  'strong',
  'code',
  'br',
]);
const ATTRIBUTES = new Set(['class', 'lang', 'id', 'href', 'hreflang', 'aria-label']);

/** Every tag of the page is one the guide writes, with attributes the guide writes. */
function expectOnlyGuideMarkup(page: string): void {
  for (const [tag, name, attributes] of page.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)) {
    expect(TAGS.has(name ?? ''), tag).toBe(true);
    for (const [, attribute] of (attributes ?? '').matchAll(/\s([^\s=]+)="[^"]*"/g)) {
      expect(ATTRIBUTES.has(attribute ?? ''), tag).toBe(true);
    }
    expect((attributes ?? '').replace(/\s[^\s=]+="[^"]*"/g, '').trim(), tag).toBe('');
  }
}

describe('docs/proposal-format.md', () => {
  it('is what npm run docs:guide generates from profiles/kipp.json (run it after changing the profile)', () => {
    const { profile, source } = readProfile(DEFAULT_PROFILE_PATH);
    const wanted = guideDocument(profile, source);
    const current = readFileSync(GUIDE_PATH, 'utf8');
    expect(current === wanted, 'docs/proposal-format.md is out of date: run npm run docs:guide').toBe(true);
  });

  it('falls out of date when a word limit of the profile changes', () => {
    const changed = variant((json) => {
      const sections = json.groups[1]?.sections as Array<{ maxWords: number }>;
      if (sections[1]) sections[1].maxWords = 150;
    });
    const doc = guideDocument(changed, 'profiles/kipp.json');
    expect(doc).not.toBe(readFileSync(GUIDE_PATH, 'utf8'));
    expect(doc).toMatch(/\| \*\*Inspirasi\*\* \| Inspiration \| 150 \| ya \|/);
  });

  it('is in Bahasa Indonesia first and English after, and sends submitters to the portal, not the command line', () => {
    const doc = guideDocument(kipp, 'profiles/kipp.json');
    const id = doc.indexOf('# Panduan format proposal');
    const en = doc.indexOf('# Proposal format guide');
    expect(id).toBeGreaterThan(0);
    expect(en).toBeGreaterThan(id);
    expect(doc.slice(id, en)).toContain('**Periksa draf**');
    expect(doc.slice(en)).toContain('**Check a draft** (Periksa draf)');
    // The command appears only in the operators' note of each language.
    const commands = [...doc.matchAll(/npx proposals validate/g)].map((m) => m.index);
    expect(commands).toHaveLength(2);
    expect(commands[0]).toBeGreaterThan(doc.indexOf('## Catatan untuk operator'));
    expect(commands[0]).toBeLessThan(en);
    expect(commands[1]).toBeGreaterThan(doc.indexOf('## Note for operators'));
  });

  it('lists every group, section, other name and word limit of the profile as a table row', () => {
    for (const lang of ['id', 'en'] as const) {
      const md = renderGuideMarkdown(kipp, lang);
      for (const group of kipp.groups) {
        for (const s of group.sections) {
          const row = `| **${s.name}** | ${s.aliases.join(', ')} | ${s.maxWords} | ${lang === 'id' ? 'ya' : 'yes'} |`;
          expect(md).toContain(row);
        }
      }
    }
  });
});

describe('renderGuide (portal page)', () => {
  const id = renderGuide(kipp, 'id');
  const en = renderGuide(kipp, 'en');

  it('shows each section of each group with its other names and word limit, in Indonesian', () => {
    expect(id).toContain('<h1>Panduan format proposal</h1>');
    for (const group of kipp.groups) {
      expect(id).toContain(`<h3>Kelompok ${group.name}</h3>`);
      const part = id.slice(id.indexOf(`<h3>Kelompok ${group.name}</h3>`));
      for (const s of group.sections) {
        const details = detailsOf(part, s.name);
        expect(details).toContain(`Maks. kata:  ${s.maxWords}`);
        for (const alias of s.aliases) expect(details).toContain(alias);
      }
    }
    expect(detailsOf(id, 'Ringkasan')).toContain('Summary, Abstrak');
  });

  it('states the limits, rules and deadline the check applies, in English', () => {
    expect(en).toContain('<h1>Proposal format guide</h1>');
    expect(en).toContain(`<strong>${formatBytes(kipp.files.maxBytes)}</strong>`);
    expect(en).toContain('<strong>Monday, 30 June 2025 at 23:59 WIB</strong>');
    // Umum: 2 years before 30 June 2025; Replikasi: 1 year.
    expect(en).toMatch(
      /Group Umum<\/h3>[\s\S]*?<strong>2 year\(s\)<\/strong>[\s\S]*?<strong>30 June 2023<\/strong>/,
    );
    expect(en).toMatch(/Group Replikasi<\/h3>[\s\S]*?<strong>30 June 2024<\/strong>/);
    expect(en).toContain('at most <strong>10 proposals</strong> of this group');
    expect(en).toContain('<strong>No two proposals of your agency may share a title</strong>');
    for (const field of kipp.identityFields) {
      const details = detailsOf(en, field.labels[0] ?? field.id);
      for (const label of field.labels) expect(details).toContain(label);
      expect(details).toContain('Required:  yes');
    }
    for (const category of kipp.categories) expect(en).toContain(`<strong>${category.name}</strong>`);
    expect(id).toContain('<strong>Senin, 30 Juni 2025 pukul 23.59 WIB</strong>');
  });

  it('lists every code the check reports with its fix from the message catalogue, and no unfilled value', () => {
    for (const code of ISSUE_CODES) {
      expect(id).toContain(`<dt><code>${code}</code></dt>`);
      expect(en).toContain(`<dt><code>${code}</code></dt>`);
    }
    expect(
      detailsOf(en.replaceAll('<code>', '<strong>').replaceAll('</code>', '</strong>'), 'FILE_TOO_LARGE'),
    ).toContain(`at most ${formatBytes(kipp.files.maxBytes)}`);
    expect(id).toContain('Tulis salah satu kelompok: Umum, Replikasi, Khusus.');
    expect(en).toContain('Cut [excess] words from [section] so that it has at most [limit] words.');
    for (const page of [id, en, renderGuideMarkdown(kipp, 'id'), renderGuideMarkdown(kipp, 'en')]) {
      expect(page).not.toMatch(/undefined|NaN|\{\w+\}/);
    }
  });

  it('is a fragment with no script, no external asset and no command line for submitters', () => {
    for (const page of [id, en]) {
      expect(page.startsWith('<div class="guide summary" lang="')).toBe(true);
      expect(page).not.toMatch(/<html|<head|<style|<script|\sstyle=|\son\w+=/i);
      expect(externalAssets(page)).toEqual([]);
      expectOnlyGuideMarkup(page);
      expect(page).not.toContain('npx');
      // The only links are the fixed in-page anchors of the contents.
      const hrefs = [...page.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
      expect(hrefs.length).toBeGreaterThan(0);
      for (const href of hrefs) expect(href).toMatch(/^#guide-[a-z]+$/);
    }
    expect(id).toContain('lang="id"');
    expect(en).toContain('lang="en"');
  });

  it('links to itself in the other language from baseHref, keeping its other parameters', () => {
    const page = renderGuide(kipp, 'id', { baseHref: '/portal/guide?t=abc.def&lang=id&x=1' });
    expect(page).toContain(
      '<a href="/portal/guide?t=abc.def&amp;x=1&amp;lang=en" hreflang="en" lang="en">Read this guide in English</a>',
    );
    const back = renderGuide(kipp, 'en', { baseHref: '/portal/guide' });
    expect(back).toContain('href="/portal/guide?lang=id"');
    expect(back).toContain('Baca panduan ini dalam Bahasa Indonesia');
    const unsafe = renderGuide(kipp, 'en', { baseHref: 'javascript:alert(1)' });
    expect(unsafe).not.toContain('javascript:');
    // Only the link differs between requests; the rest is the page rendered without one.
    const linkless = (markup: string) =>
      markup.replace(/<p><a href="[^"]*" hreflang="(id|en)" lang="\1">[^<]*<\/a><\/p>/, '');
    expect(linkless(page)).toBe(linkless(renderGuide(kipp, 'id')));
    expect(linkless(back)).toBe(en);
  });
});

describe('a hostile profile', () => {
  const evil = variant((json) => {
    json.name = 'KIPP <script>alert(1)</script>';
    const umum = json.groups[0] as {
      name: string;
      aliases: string[];
      sections: Array<Record<string, unknown>>;
    };
    umum.name = 'Umum"><img src=x onerror=alert(1)>';
    umum.aliases = ['[click](javascript:alert(1))', 'www.evil.example'];
    const first = umum.sections[0] as { name: string; aliases: string[] };
    first.name = 'Ringkasan <iframe src="https://evil.example/"></iframe>';
    first.aliases = ['**bold** | `tick` <b>x</b>', 'https://evil.example/a|b'];
    const categories = json.categories as Array<{ name: string }>;
    if (categories[0]) categories[0].name = '<svg onload=alert(1)>';
    const fields = json.identityFields as Array<{ labels: string[] }>;
    if (fields[0]) fields[0].labels = ['Judul\n\n# Injected heading', '<em>Title</em>'];
  });

  it('is rendered inert on the page in both languages', () => {
    for (const lang of ['id', 'en'] as const) {
      const page = renderGuide(evil, lang, { baseHref: '/portal/guide?t=1' });
      expectEscaped(page);
      expectOnlyGuideMarkup(page);
      expect(page).toContain('KIPP &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page).toContain('Umum&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
      expect(externalAssets(page)).toEqual([]);
      const hrefs = [...page.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
      for (const href of hrefs)
        expect(href).toMatch(/^#guide-[a-z]+$|^\/portal\/guide\?t=1&amp;lang=(id|en)$/);
    }
  });

  it('is escaped in the Markdown: no markup, no link, no block started by a value', () => {
    for (const lang of ['id', 'en'] as const) {
      const md = renderGuideMarkdown(evil, lang);
      // Outside code blocks and code spans (shown literally), no '<' is left unescaped.
      const prose = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, '').replace(/(`+)[^`]*?\1/g, '');
      expect(prose).not.toMatch(/(^|[^\\])</m);
      expect(md).toContain('KIPP \\<script\\>alert(1)\\</script\\>');
      expect(md).toContain('\\[click\\](javascript:alert(1))');
      expect(md).toMatch(/`www\.evil\.example[.,]?`/);
      expect(md).toContain('`https://evil.example/a\\|b`');
      expect(md).toContain('\\*\\*bold\\*\\* \\| \\`tick\\` \\<b\\>x\\</b\\>');
      expect(md).not.toMatch(/^# Injected heading/m);
      // Every table row still has its four cells.
      for (const line of md.split('\n').filter((l) => l.startsWith('| '))) {
        expect(line.replace(/\\\|/g, '').split('|')).toHaveLength(6);
      }
    }
  });
});

describe('the guide follows the profile', () => {
  it('drops what a profile does not accept and words the duplicate-title rule as the profile sets it', () => {
    const docxOnly = variant((json) => {
      (json.files as { formats: string[]; maxBytes: number }).formats = ['docx'];
      (json.files as { maxBytes: number }).maxBytes = 2 * 1024 * 1024;
      (json.eligibility as { duplicateTitles: string }).duplicateTitles = 'allow';
    });
    const page = renderGuide(docxOnly, 'en');
    expect(page).toContain('<strong>2.0 MB</strong>');
    expect(page).not.toContain('PDF_NO_TEXT');
    expect(page).not.toContain('FORM_INVALID');
    expect(page).not.toContain('The JSON form');
    expect(page).not.toContain('DUPLICATE_TITLE');
    expect(page).toContain('Titles may repeat across proposals.');
    expect(page).toContain('Send one document in an accepted format (DOCX);');

    const warn = renderGuide(
      variant((json) => {
        (json.eligibility as { duplicateTitles: string }).duplicateTitles = 'warning';
      }),
      'id',
    );
    expect(warn).toMatch(
      /<dt><code>DUPLICATE_TITLE<\/code><\/dt><dd><span class="muted">Jenis:<\/span> Peringatan/,
    );
  });

  it('shows a changed deadline, time zone, quota, minimum age and upload limits', () => {
    const changed = variant((json) => {
      json.submissionDeadline = '2026-03-31';
      json.timeZone = 'Asia/Makassar';
      const umum = json.groups[0] as { quotaPerInstitution: number; minAgeYears: number };
      umum.quotaPerInstitution = 7;
      umum.minAgeYears = 1.5;
      json.portal = { linkMarginDays: 30, formMinutes: 20, draftsPerHour: 12, submissionsPerHour: 3 };
    });
    const page = renderGuide(changed, 'id');
    expect(page).toContain('<strong>Selasa, 31 Maret 2026 pukul 23.59 WITA</strong>');
    expect(page).toContain('paling banyak <strong>7 proposal</strong>');
    expect(page).toMatch(/minimal <strong>1,5 tahun<\/strong>[\s\S]*?<strong>30 September 2024<\/strong>/);
    expect(page).toContain(
      'paling banyak <strong>12 draf</strong> dan mengirim paling banyak <strong>3 proposal</strong> per jam',
    );
    expect(page).toContain('Formulir unggah berlaku 20 menit');
  });
});

describe('what the guide says agrees with the check', () => {
  const NOW = new Date('2025-06-01T00:00:00Z');
  const words = (n: number) => Array.from({ length: n }, (_, i) => `kata${i}`).join(' ');
  /** A Markdown proposal written from what the guide lists: first labels, another name of each section. */
  function proposal(profile: Profile, groupIndex: number, startDate: string, over?: string): string {
    const group = profile.groups[groupIndex];
    if (!group) throw new Error('no such group');
    const values: Record<string, string> = {
      title: `Inovasi uji ${group.id}`,
      institution: 'Dinas Kesehatan Kota Surabaya',
      group: group.name,
      category: profile.categories[0]?.name ?? '',
      startDate,
      innovator: 'Ratna',
      email: 'ratna@dinkes.example.go.id',
      phone: '0812-3456-7890',
      video: 'https://youtu.be/Q3vXbT7mKp0',
    };
    const identity = profile.identityFields.map((f) => `${f.labels[0]}: ${values[f.id]}`);
    const sections = group.sections.map(
      (s) => `## ${s.aliases[0] ?? s.name}\n\n${words(s.id === over ? s.maxWords + 1 : s.maxWords)}`,
    );
    return [...identity, '', ...sections].join('\n');
  }
  const check = (text: string) =>
    validateDocument(new TextEncoder().encode(text), kipp, { now: NOW, fileName: 'p.md' });

  it('accepts a proposal at each word limit with the latest start date the guide gives, and nothing beyond', async () => {
    const md = renderGuideMarkdown(kipp, 'en');
    for (const [index, group] of kipp.groups.entries()) {
      const latest = /start date of \*\*(\d+) June (\d{4})\*\* or earlier/.exec(
        md.slice(md.indexOf(`### Group ${group.name}`)),
      );
      expect(latest).not.toBeNull();
      const iso = `${latest?.[2]}-06-${latest?.[1]?.padStart(2, '0')}`;
      const ok = await check(proposal(kipp, index, iso));
      expect(ok.issues).toEqual([]);
      expect(ok.valid).toBe(true);

      const dayLater = new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      const young = await check(proposal(kipp, index, dayLater));
      expect(young.issues.map((i) => i.code)).toEqual(['INNOVATION_TOO_YOUNG']);

      const first = group.sections[0];
      const long = await check(proposal(kipp, index, iso, first?.id));
      expect(long.issues.map((i) => [i.code, i.section])).toEqual([['WORD_LIMIT_EXCEEDED', first?.id]]);
    }
  });
});
