import { loadProfile } from './adapters/profile-file';
import { requireEnv } from './config';
import type { Profile } from './profile';

/**
 * The deployment's profile, validated at synth (`parseProfile`, defaults applied) and embedded in each bundle by
 * infra as its JSON text (esbuild `define`, `profileDefine`), so a profile given as a file path travels with the
 * code. Undefined when this module runs unbundled (tests, tsx); bundled, esbuild folds the `typeof` below and leaves
 * the profile files and their reader out of the bundle.
 */
declare const __PROPOSALS_PROFILE__: string;

let cached: Profile | undefined;

/**
 * The competition profile this deployment runs: the one embedded in the bundle, as synth validated it (a cold
 * start does not validate it again: the first schema parse costs tens of milliseconds); unbundled, the one env
 * PROFILE names (a bundled name such as `kipp`, or a path to a JSON file), validated. Loaded once.
 */
export function activeProfile(): Profile {
  cached ??=
    typeof __PROPOSALS_PROFILE__ === 'undefined'
      ? loadProfile(requireEnv('PROFILE'))
      : (JSON.parse(__PROPOSALS_PROFILE__) as Profile);
  return cached;
}
