/**
 * The competition profile the deployment runs, so that the CLI applies the same rules as the functions (conflicts
 * in `assign`, the extension limit in `extend`, the size limit in `upload`). The Logic stack carries the profile
 * it was synthesized with in its template metadata; PROPOSALS_PROFILE (a bundled name or a path to a JSON file)
 * overrides it, and is how the local runtime tells the CLI (its runtime.env sets it).
 */
import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { loadProfile } from '../functions/lib/adapters/profile-file';
import { PROFILE_METADATA_KEY, type Profile, ProfileError, parseProfile } from '../functions/lib/profile';
import { CliError } from './context';

/** The profile carried by a synthesized or deployed template (its JSON text or parsed form). */
export function profileFromTemplate(template: unknown, source: string): Profile {
  const parsed = typeof template === 'string' ? (JSON.parse(template) as unknown) : template;
  const metadata = (parsed as { Metadata?: Record<string, unknown> } | undefined)?.Metadata;
  const profile = metadata?.[PROFILE_METADATA_KEY];
  if (profile === undefined) {
    throw new CliError(
      `${source} carries no competition profile (deployed before profiles travelled with the stack?). Redeploy it, or name the profile with PROPOSALS_PROFILE=<name or path>.`,
    );
  }
  return parseProfile(profile, source);
}

function fromOverride(source: string): Profile {
  try {
    return loadProfile(source);
  } catch (error) {
    if (error instanceof ProfileError) throw new CliError(`PROPOSALS_PROFILE: ${error.message}`);
    throw error;
  }
}

let cached: Profile | undefined;

export async function deployedProfile(stage = process.env.PROPOSALS_STAGE ?? 'dev'): Promise<Profile> {
  if (cached) return cached;
  const override = process.env.PROPOSALS_PROFILE;
  if (override) {
    cached = fromOverride(override);
    return cached;
  }
  const stackName = `Proposals-${stage}-Logic`;
  let body: string | undefined;
  try {
    const out = await new CloudFormationClient({}).send(new GetTemplateCommand({ StackName: stackName }));
    body = out.TemplateBody;
  } catch (error) {
    throw new CliError(
      `Cannot read the template of stack ${stackName} for its competition profile (${(error as Error).message}). Deploy it, pick the stage with --stage or PROPOSALS_STAGE, or name the profile with PROPOSALS_PROFILE=<name or path>; for the local runtime, run \`source .local/runtime.env\` first.`,
    );
  }
  cached = profileFromTemplate(body ?? '{}', `the profile deployed with ${stackName}`);
  return cached;
}

/** Forgets the profile read before (tests). */
export function resetDeployedProfile(): void {
  cached = undefined;
}
