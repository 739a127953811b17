import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../../functions/lib/adapters/profile-file';
import { zonedTime } from '../../../functions/lib/i18n';
import { longestReviewDays, ProfileError, parseProfile } from '../../../functions/lib/profile';
import { submissionDeadlineAt, timeZoneOf } from '../../../functions/lib/review';

const KIPP_PATH = resolve(import.meta.dirname, '../../../profiles/kipp.json');
// biome-ignore lint/suspicious/noExplicitAny: the tests edit the raw JSON freely to break it
type Json = any;
const kippJson = () => JSON.parse(readFileSync(KIPP_PATH, 'utf8')) as Json;

function problemOf(json: unknown): ProfileError {
  try {
    parseProfile(json, 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ProfileError);
    return error as ProfileError;
  }
  throw new Error('the profile was accepted');
}

describe('the time zone of a profile', () => {
  it('is WIB for KIPP, and WIB by default', () => {
    expect(loadProfile().timeZone).toBe('Asia/Jakarta');
    const json = kippJson();
    delete json.timeZone;
    expect(parseProfile(json, 'test.json').timeZone).toBe('Asia/Jakarta');
  });

  it('may be any IANA zone; a bad one is named in both languages', () => {
    const json = kippJson();
    json.timeZone = 'Asia/Makassar';
    expect(parseProfile(json, 'test.json').timeZone).toBe('Asia/Makassar');
    json.timeZone = 'Asia/Bandung';
    expect(problemOf(json).message).toContain('timeZone: expected an IANA time zone such as "Asia/Jakarta"');
    json.timeZone = 'WIB';
    expect(problemOf(json).localized.id).toContain('timeZone: harus zona waktu IANA');
  });

  it('places the end of the submission deadline day in that zone', () => {
    const kipp = loadProfile();
    expect(submissionDeadlineAt(kipp)?.toISOString()).toBe('2025-06-30T16:59:59.000Z');
    expect(submissionDeadlineAt({ ...kipp, timeZone: 'Asia/Jayapura' })?.toISOString()).toBe(
      '2025-06-30T14:59:59.000Z',
    );
    expect(submissionDeadlineAt({ submissionDeadline: '2025-06-30' })?.toISOString()).toBe(
      '2025-06-30T16:59:59.000Z',
    );
  });

  it('turns a wall-clock time into an instant across a daylight-saving change', () => {
    // Amsterdam moves from UTC+1 to UTC+2 on 2025-03-30 at 02:00.
    expect(zonedTime('2025-03-29', '12:00:00', 'Europe/Amsterdam')?.toISOString()).toBe(
      '2025-03-29T11:00:00.000Z',
    );
    expect(zonedTime('2025-03-30', '12:00:00', 'Europe/Amsterdam')?.toISOString()).toBe(
      '2025-03-30T10:00:00.000Z',
    );
    expect(zonedTime('30-06-2025', '23:59:59')).toBeUndefined();
  });

  it('is the zone emails and pages show dates in, unless one is asked for', () => {
    expect(timeZoneOf({ profile: { timeZone: 'Asia/Makassar' } })).toBe('Asia/Makassar');
    expect(timeZoneOf({ timeZone: 'UTC', profile: { timeZone: 'Asia/Makassar' } })).toBe('UTC');
    expect(timeZoneOf({})).toBe('Asia/Jakarta');
  });
});

describe('the maximum extension of a profile', () => {
  it('is 60 days for KIPP, and 60 days by default', () => {
    expect(loadProfile().review.maxExtensionDays).toBe(60);
    const json = kippJson();
    delete json.review.maxExtensionDays;
    expect(parseProfile(json, 'test.json').review.maxExtensionDays).toBe(60);
  });

  it('must be a positive whole number of days', () => {
    const json = kippJson();
    json.review.maxExtensionDays = 0;
    expect(problemOf(json).message).toContain('review.maxExtensionDays: expected a positive integer');
    json.review.maxExtensionDays = 7.5;
    expect(problemOf(json).message).toContain('review.maxExtensionDays: expected a positive integer');
  });

  it('bounds how long a task can stay open: window, largest extension, then grace', () => {
    expect(longestReviewDays(loadProfile().review)).toBe(14 + 60 + 2);
    expect(longestReviewDays({ windowDays: 10, maxExtensionDays: 40, graceDays: 0 })).toBe(50);
  });
});
