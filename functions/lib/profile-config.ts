import { requireEnv } from './config';
import { loadProfile, type Profile } from './profile';

let cached: Profile | undefined;

/** The competition profile this deployment runs (env PROFILE: a bundled name such as `kipp`). Loaded once. */
export function activeProfile(): Profile {
  cached ??= loadProfile(requireEnv('PROFILE'));
  return cached;
}
