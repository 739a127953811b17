import { describe, expect, it } from 'vitest';
import {
  addMonths,
  countWords,
  headingKey,
  isValidEmail,
  isValidPhone,
  isYouTubeVideo,
  parseDate,
  splitLabelLine,
} from '../../../functions/lib/validation/text';

describe('text rules', () => {
  it('counts Indonesian words, reduplications as one, punctuation and bullets as none', () => {
    expect(countWords('Masing-masing  warga — 12 persen; • (lihat) ')).toBe(5);
    expect(countWords('')).toBe(0);
  });

  it.each([
    ['1. Ringkasan', 'ringkasan'],
    ['A. Ide Inovatif:', 'ide inovatif'],
    ['IV) EVALUASI', 'evaluasi'],
    ['2.1 Adaptabilitas (maks. 400 kata)', 'adaptabilitas'],
    ['**Ringkasan**', 'ringkasan'],
    ['Pembaruan / Peningkatan', 'pembaruan peningkatan'],
  ])('normalises the heading "%s"', (heading, key) => {
    expect(headingKey(heading)).toBe(key);
  });

  it('splits label lines but not URLs', () => {
    expect(splitLabelLine('- **Judul:** SEHATI')).toEqual({ label: 'Judul', value: 'SEHATI' });
    expect(splitLabelLine('Tautan Video : https://youtu.be/x')).toEqual({
      label: 'Tautan Video',
      value: 'https://youtu.be/x',
    });
    expect(splitLabelLine('https://youtu.be/x')).toBeUndefined();
  });

  it.each([
    ['29 Februari 2024', '2024-02-29'],
    ['29 Februari 2023', undefined],
    ['5 Okt 2020', '2020-10-05'],
    ['5 Nopember 2020', '2020-11-05'],
    ['2020/10/05', undefined],
    ['13-13-2020', undefined],
  ])('reads the date "%s" as %s', (written, iso) => {
    expect(parseDate(written)).toBe(iso);
  });

  it('adds months clamping the day at the end of the month', () => {
    expect(addMonths('2025-06-30', -24)).toBe('2023-06-30');
    expect(addMonths('2024-02-29', -12)).toBe('2023-02-28');
  });

  it('recognises Indonesian phone numbers', () => {
    expect(isValidPhone('0812-3456-7890')).toBe(true);
    expect(isValidPhone('+62 (31) 5634 112')).toBe(true);
    expect(isValidPhone('112')).toBe(false);
    expect(isValidPhone('+1 202 555 0100')).toBe(false);
  });

  it('recognises one YouTube video link and nothing else', () => {
    expect(isYouTubeVideo('https://youtu.be/Q3vXbT7mKp0')).toBe(true);
    expect(isYouTubeVideo('youtube.com/watch?v=Q3vXbT7mKp0&t=3')).toBe(true);
    expect(isYouTubeVideo('https://m.youtube.com/embed/Q3vXbT7mKp0')).toBe(true);
    expect(isYouTubeVideo('https://youtube.com/playlist?list=PL123')).toBe(false);
    expect(isYouTubeVideo('https://youtube.com.evil.example/watch?v=Q3vXbT7mKp0')).toBe(false);
    expect(isYouTubeVideo('https://youtu.be/short')).toBe(false);
  });

  it('checks email addresses', () => {
    expect(isValidEmail('inovasi@dinkes.example.go.id')).toBe(true);
    expect(isValidEmail('inovasi@@dinkes.go.id')).toBe(false);
    expect(isValidEmail('ino..vasi@dinkes.go.id')).toBe(false);
  });
});
