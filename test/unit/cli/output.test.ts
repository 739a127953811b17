import { parse as parseCsv } from 'csv-parse/sync';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatAgencyTable } from '../../../cli/commands/agencies';
import { formatRosterTable } from '../../../cli/commands/reviewers';
import { csvCell, csvText, jsonText, markdownCell, print, printError } from '../../../cli/output';
import { table } from '../../../cli/table';
import type { Agency } from '../../../functions/lib/agencies/schema';
import type { Reviewer } from '../../../functions/lib/model';

const ESC = '\u001b';
/** A title an attacker wrote: clears the screen, fakes a line, hides a link, renames the window. */
const HOSTILE = `Si-Sehat${ESC}[2J${ESC}[H\r\nFAKE: all good${ESC}]8;;https://evil.example/${ESC}\\click${ESC}]8;;${ESC}\\${ESC}]0;pwned\u0007\u009b31m`;
/** Any C0 control but line feed, DEL or C1 control. */
const anyControl = (text: string) =>
  [...text].some((c) => {
    const code = c.charCodeAt(0);
    return (code < 0x20 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f);
  });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('what the CLI prints', () => {
  it('prints no escape sequence or control character, to standard output and standard error', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
    print(`title: ${HOSTILE}\n`);
    printError(`reason: ${HOSTILE}\n`);

    expect(written.some(anyControl)).toBe(false);
    expect(written[0]).toBe('title: Si-Sehat\nFAKE: all goodclick\n');
  });

  it('keeps every table row on its line and every cell clean', () => {
    const text = table(
      ['id', 'title'],
      [
        ['p-1', HOSTILE],
        ['p-2', 'Biasa'],
      ],
    );
    const lines = text.split('\n');

    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('p-1  Si-Sehat FAKE: all goodclick');
    expect(anyControl(text)).toBe(false);
  });

  it('cleans the agency and roster tables', () => {
    const agency: Agency = {
      code: 'pemkot-depok',
      name: HOSTILE,
      parent: 'Pemerintah Kota Depok',
      province: 'Jawa Barat',
      regency: 'Kota Depok',
      kind: 'city',
      contacts: ['a@depok.example.go.id'],
      language: 'id',
    };
    const reviewer: Reviewer = {
      id: 'r-1',
      name: HOSTILE,
      email: 'r@example.ac.id',
      institution: `Univ\n${ESC}[31mX`,
      expertise: ['kesehatan'],
      capacity: 3,
      load: 0,
      language: 'id',
      active: true,
      conflicts: [],
    };
    for (const text of [formatAgencyTable([agency], 'en'), formatRosterTable([reviewer], 'en')]) {
      expect(anyControl(text)).toBe(false);
      expect(text.split('\n')).toHaveLength(3);
    }
  });

  it('writes JSON that parses to the same data with nothing raw a terminal would act on', () => {
    const value = { title: HOSTILE, bidi: 'a\u202eb\u2028c' };
    const text = jsonText(value);

    expect(JSON.parse(text)).toEqual(value);
    expect(anyControl(text.replace(/\n/g, ''))).toBe(false);
    expect(text).not.toMatch(/[\u202e\u2028]/);
  });
});

describe('proposals report --format csv', () => {
  it.each([
    ['=HYPERLINK("https://evil.example","klik")', `"'=HYPERLINK(""https://evil.example"",""klik"")"`],
    ['+62 811', `"'+62 811"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1+1', `"' =1+1"`],
    ['\r=1+1', `"'\n=1+1"`],
    ['  =1+1', `"'  =1+1"`],
  ])('neutralizes a cell that a spreadsheet would run: %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('quotes what needs quoting and leaves plain cells and numbers alone', () => {
    expect(csvCell('Layanan "Si-Sehat", Kota Depok')).toBe('"Layanan ""Si-Sehat"", Kota Depok"');
    expect(csvCell('Si-Sehat')).toBe('Si-Sehat');
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(undefined)).toBe('');
  });

  it('reads back, cell for cell, with every formula starting with a quote', () => {
    const rows = [
      ['rank', 'title', 'score'],
      [1, '=cmd|"/c calc"!A1', 87.5],
      [2, `Line one\nline two${ESC}[2J`, 80],
    ];
    const parsed = parseCsv(csvText(rows)) as string[][];

    expect(parsed).toEqual([
      ['rank', 'title', 'score'],
      ['1', `'=cmd|"/c calc"!A1`, '87.5'],
      ['2', 'Line one\nline two', '80'],
    ]);
  });
});

describe('proposals report --format md', () => {
  it('escapes what Markdown or HTML would act on and breaks links, on one line', () => {
    expect(markdownCell('[klik](https://evil.example) | <img src=x> **x**\nbaris')).toBe(
      // Renders as: [klik](https[:]//evil[.]example) | <img src=x> **x** baris
      '\\[klik\\](https\\[:\\]//evil\\[.\\]example) \\| \\<img src=x\\> \\*\\*x\\*\\* baris',
    );
  });
});
