/**
 * Reads a competition profile: a bare name (e.g. "kipp") is a profile bundled with the code, anything else a path
 * to a JSON file, validated by the profile core. The one place a profile is read from disk.
 */
import { readFileSync } from 'node:fs';
import { bundledProfile, isProfileName, type Profile, parseProfileText, profileError } from '../profile';

/** Loads a profile by bundled name or file path. Defaults to "kipp". */
export function loadProfile(nameOrPath = 'kipp'): Profile {
  if (isProfileName(nameOrPath)) return bundledProfile(nameOrPath);
  let raw: string;
  try {
    raw = readFileSync(nameOrPath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw profileError(nameOrPath, [
      {
        path: '',
        message: { en: `cannot read the file (${reason})`, id: `berkas tidak dapat dibaca (${reason})` },
      },
    ]);
  }
  return parseProfileText(raw, nameOrPath);
}
