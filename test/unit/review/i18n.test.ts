import { describe, expect, it } from 'vitest';
import {
  daysBetween,
  formatDate,
  formatDateTime,
  formatNumber,
  resolveLang,
  tr,
} from '../../../functions/lib/i18n';

describe('language and formatting', () => {
  it('picks the first supported language among a query parameter, a stored preference and a header', () => {
    expect(resolveLang('en', 'id')).toBe('en');
    expect(resolveLang(undefined, null, 'fr-FR,en-GB;q=0.8,id;q=0.5')).toBe('en');
    expect(resolveLang('xx', 'id-ID')).toBe('id');
    expect(resolveLang()).toBe('id');
    expect(resolveLang('', 'de')).toBe('id');
  });

  it('writes dates in Indonesian by default, in Western Indonesian time', () => {
    const d = new Date('2025-06-30T17:30:00Z'); // already 1 July in Jakarta
    expect(formatDate(d)).toBe('Selasa, 1 Juli 2025');
    expect(formatDateTime(d)).toBe('Selasa, 1 Juli 2025 pukul 00.30 WIB');
    expect(formatDateTime(d, 'en')).toBe('Tuesday, 1 July 2025 at 00:30 GMT+7');
    expect(formatDate(d, 'en', 'Asia/Jayapura')).toBe('Tuesday, 1 July 2025');
  });

  it('uses the decimal separator of the language', () => {
    expect(formatNumber(78.5)).toBe('78,50');
    expect(formatNumber(1234.5, 'en')).toBe('1,234.50');
    expect(formatNumber(1234.5, 'id')).toBe('1.234,50');
  });

  it('counts whole days left, rounding up', () => {
    const now = new Date('2025-07-11T09:00:00Z');
    expect(daysBetween(now, new Date('2025-07-14T08:00:00Z'))).toBe(3);
    expect(daysBetween(now, new Date('2025-07-11T10:00:00Z'))).toBe(1);
    expect(daysBetween(now, new Date('2025-07-10T09:00:00Z'))).toBe(-1);
  });

  it('translates a text to the requested language', () => {
    expect(tr({ id: 'Terima', en: 'Accept' })).toBe('Terima');
    expect(tr({ id: 'Terima', en: 'Accept' }, 'en')).toBe('Accept');
  });
});
