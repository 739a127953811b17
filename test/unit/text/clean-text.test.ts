import { describe, expect, it } from 'vitest';
import { cleanText, oneLine, unlinked } from '../../../functions/lib/clean-text';

const ESC = '\u001b';

describe('cleaning text for a terminal or an email', () => {
  it.each([
    ['a screen clear', `A${ESC}[2J${ESC}[HB`, 'AB'],
    ['colours', `${ESC}[31;1mred${ESC}[0m`, 'red'],
    [
      'an OSC 8 hyperlink, keeping its visible text',
      `${ESC}]8;;https://evil.example/${ESC}\\click${ESC}]8;;${ESC}\\`,
      'click',
    ],
    ['a window title ended by BEL', `${ESC}]0;pwned\u0007Title`, 'Title'],
    ['an unterminated OSC, up to the end of its line', `A${ESC}]8;;https://evil.example`, 'A'],
    ['a C1 CSI', 'A\u009b2JB', 'AB'],
    ['a C1 OSC ended by the C1 ST', 'A\u009d0;x\u009cB', 'AB'],
    ['a DCS string', `A${ESC}P1;2|xyz${ESC}\\B`, 'AB'],
    ['a two-character escape (reset)', `A${ESC}cB`, 'AB'],
    ['a lone ESC at the end', `A${ESC}`, 'A'],
    ['C0 controls, DEL and C1 controls', 'A\u0000\u0007\u0008\u007f\u0085\u0080\u0099B', 'A B'],
    ['direction overrides and zero-width characters', 'A\u202eB\u2066C\u200bD\ufeff', 'ABCD'],
  ])('removes %s', (_, input, expected) => {
    expect(cleanText(input)).toBe(expected);
  });

  it('keeps line breaks (as \\n) only when asked, and makes tabs spaces', () => {
    expect(cleanText('a\r\nb\rc\u2028d\te', { newlines: true })).toBe('a\nb\nc\nd e');
    expect(cleanText('a\r\nb\nc')).toBe('a b c');
  });

  it('keeps ordinary text, accents and emoji', () => {
    const text = 'Inovasi “Si-Sehat” 2.0 — Café, Kab. Banyuwangi 👩‍⚕️';
    expect(cleanText(text)).toBe(text);
  });

  it('puts a value that fakes a new paragraph on one line', () => {
    expect(oneLine('Judul\r\n\r\n\u2029Tugas penilaian baru:\n\n   buka')).toBe(
      'Judul Tugas penilaian baru: buka',
    );
  });

  it('scans a long hostile line in linear time', () => {
    const line = `${ESC}[${'1;'.repeat(200_000)}${ESC}]8;;${'a'.repeat(200_000)}${'a.'.repeat(100_000)}`;
    const started = performance.now();
    oneLine(unlinked(line));
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('text no mail client makes a link of', () => {
  it.each([
    ['https://evil.example/review?x=1', 'https[:]//evil[.]example/review?x=1'],
    ['www.evil.example', 'www[.]evil[.]example'],
    ['budi@evil.example.go.id', 'budi@evil[.]example[.]go[.]id'],
    ['bit.ly/abc', 'bit[.]ly/abc'],
    ['javascript://x', 'javascript[:]//x'],
  ])('breaks %s', (input, expected) => {
    expect(unlinked(input)).toBe(expected);
  });

  it('leaves numbers and sentences alone', () => {
    expect(unlinked('Versi 2.0. Selesai. Kab. Sleman')).toBe('Versi 2.0. Selesai. Kab. Sleman');
  });
});
