import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadProfile } from '../../../functions/lib/adapters/profile-file';
import { type ValidateOptions, validateDocument } from '../../../functions/lib/validation';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const DOCUMENTS = join(ROOT, 'test/fixtures/documents');
/** Hostile uploads written by scripts/make-fixtures.ts. */
export const ATTACKS = join(ROOT, 'test/fixtures/attacks');
/** Validation runs before the 2025-06-30 deadline in these tests. */
export const NOW = new Date('2025-06-01T00:00:00Z');
export const profile = loadProfile('kipp');

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(DOCUMENTS, name)));
}
export function fixtureText(name: string): string {
  return readFileSync(join(DOCUMENTS, name), 'utf8');
}

export function validateFixture(name: string, options: ValidateOptions = {}) {
  return validateDocument(fixture(name), profile, { now: NOW, fileName: name, ...options });
}

export function attack(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(ATTACKS, name)));
}

export function validateAttack(name: string, options: ValidateOptions = {}) {
  return validateDocument(attack(name), profile, { now: NOW, fileName: name, ...options });
}

export function validateText(text: string, options: ValidateOptions = {}) {
  return validateDocument(new TextEncoder().encode(text), profile, { now: NOW, ...options });
}

/** The valid Umum Markdown proposal with one edit applied (the edit must change something). */
export function umumWith(edit: (text: string) => string): string {
  const original = fixtureText('umum.md');
  const edited = edit(original);
  if (edited === original) throw new Error('the edit did not change the fixture');
  return edited;
}

export const codes = (report: { issues: Array<{ code: string }> }) => report.issues.map((i) => i.code);
