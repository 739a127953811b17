import { existsSync, readFileSync } from 'node:fs';
import { loadProfile } from '../functions/lib/adapters/profile-file';
import { type Profile, ProfileError } from '../functions/lib/profile';
import * as z from '../functions/lib/zod';

/** The retention periods CloudWatch Logs accepts (days); any other value fails at deploy. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const RETENTION_MESSAGE = `expected one of the retention periods CloudWatch Logs accepts, in days: ${LOG_RETENTION_DAYS.join(', ')}`;

/** The stage of the local runtime: the only one whose review links may be plain http (127.0.0.1). */
export const LOCAL_STAGE = 'local';

/**
 * Deployment settings, read from cdk context (`-c key=value` or cdk.json "context"), validated.
 * Everything has a safe default so that `cdk synth` works offline for a newcomer.
 */
export const stageConfigSchema = z.object({
  stage: z
    .string()
    .check(
      z.regex(/^[a-z][a-z0-9-]{1,20}$/, 'expected lowercase letters, digits and dashes, 2-21 characters'),
    ),
  senderEmail: z.email({
    message: 'expected the email address of a verified SES identity, e.g. kipp@example.go.id',
  }),
  replyToEmail: z.optional(z.email()),
  opsEmail: z.email({ message: 'expected the email address where ops and alarm emails go' }),
  /** The competition profile: a bundled name (`kipp`) or a path to a profile JSON file. */
  profile: z.string().check(z.minLength(1)),
  reviewBaseUrl: z.optional(z.url({ protocol: /^https?$/ })),
  logRetentionDays: z.int({ message: RETENTION_MESSAGE }).check(
    z.refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
      message: RETENTION_MESSAGE,
    }),
  ),
  retainData: z.boolean(),
  /**
   * When submissions close, if not at the end of the profile's deadline day (an ISO 8601 date-time with its
   * offset, e.g. 2027-06-30T23:59:59+07:00): the portal refuses uploads after it, a file stored later is REJECTED.
   */
  submissionsCloseAt: z.optional(
    z.string().check(
      z.refine(
        (value) =>
          /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
          !Number.isNaN(Date.parse(value)),
        {
          message: 'expected an ISO 8601 date-time with its offset, e.g. 2027-06-30T23:59:59+07:00',
        },
      ),
    ),
  ),
});
export type StageConfig = z.infer<typeof stageConfigSchema>;

type ContextReader = (key: string) => unknown;

function asBoolean(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

function asNumber(value: unknown): unknown {
  return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/**
 * Settings of a stage may also live in a file, `infra/stages/<stage>.json` (or `-c config=path`): values from
 * `-c key=value` win over the file, the file over the defaults.
 */
function stageFile(context: ContextReader, stage: string): Record<string, unknown> {
  const explicit = context('config') as string | undefined;
  const path = explicit ?? new URL(`./stages/${stage}.json`, import.meta.url).pathname;
  if (!existsSync(path)) {
    if (explicit) throw new Error(`Deployment settings file ${explicit} does not exist`);
    return {};
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`Deployment settings file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

export function readStageConfig(readContext: ContextReader): StageConfig {
  const stage = (readContext('stage') as string | undefined) ?? 'dev';
  const file = stageFile(readContext, stage);
  const context: ContextReader = (key) => readContext(key) ?? file[key];
  const production = stage === 'prod';
  const raw = {
    stage,
    senderEmail: context('senderEmail') ?? 'kipp-noreply@example.go.id',
    replyToEmail: context('replyToEmail'),
    opsEmail: context('opsEmail') ?? 'kipp-ops@example.go.id',
    profile: context('profile') ?? 'kipp',
    reviewBaseUrl: context('reviewBaseUrl'),
    logRetentionDays: asNumber(context('logRetentionDays') ?? (production ? 365 : 30)),
    retainData: asBoolean(context('retainData') ?? production),
    submissionsCloseAt: context('submissionsCloseAt'),
  };
  const parsed = stageConfigSchema.safeParse(raw);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  // Review links carry the reviewer's only credential: outside the local runtime they travel over TLS only.
  if (stage !== LOCAL_STAGE && typeof raw.reviewBaseUrl === 'string' && /^http:/i.test(raw.reviewBaseUrl)) {
    problems.push(
      `  - reviewBaseUrl: expected an https:// URL (plain http is allowed only for the ${LOCAL_STAGE} stage)`,
    );
  }
  if (!parsed.success || problems.length > 0) {
    throw new Error(
      `Invalid deployment settings (cdk context or infra/stages/<stage>.json):\n${problems.join('\n')}`,
    );
  }
  return parsed.data;
}

/**
 * The competition profile a deployment runs, validated here at synth with the schema the functions use, so a bad
 * file fails `cdk synth` naming the file and each offending field. A relative path is read from the working
 * directory.
 */
export function readProfile(source: string): Profile {
  try {
    return loadProfile(source);
  } catch (error) {
    if (error instanceof ProfileError) {
      throw new Error(`Invalid competition profile (-c profile=${source}): ${error.message}`);
    }
    throw error;
  }
}
