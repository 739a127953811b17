/**
 * A new competition is a new profile file: `-c profile=path.json` is validated at synth with the functions'
 * schema, carried whole by the Logic stack (for the CLI), embedded in the bundles (for the functions), and sizes
 * the Step Functions safety nets of the review.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileFromTemplate } from '../../cli/profile';
import { PROFILE_METADATA_KEY, type Profile, parseProfile } from '../../functions/lib/profile';
import { PROFILE_DEFINE, ProjectFunction, profileDefine } from '../../infra/constructs/lambda';
import { SAFETY_NET_MARGIN_DAYS } from '../../infra/stateless-stack';
import {
  type BuiltApp,
  buildApp,
  cdkContext,
  newApp,
  properties,
  readSource,
  render,
  resourcesOfType,
} from './support';

const DAY_SECONDS = 86_400;
const kippJson = () => JSON.parse(readSource('profiles/kipp.json')) as Record<string, unknown>;

/** A second competition: KIPP's rules with its own name, a 10-day window, up to 45 days of extension, WITA. */
function otherCompetition(): Record<string, unknown> {
  const json = kippJson();
  const review = json.review as Record<string, unknown>;
  return {
    ...json,
    id: 'lomba-inovasi-sulsel',
    name: 'Lomba Inovasi Pelayanan Publik Sulawesi Selatan',
    timeZone: 'Asia/Makassar',
    review: { ...review, windowDays: 10, maxExtensionDays: 45, graceDays: 3 },
  };
}

let dir: string;
let profilePath: string;
let built: BuiltApp;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'profile-infra-'));
  profilePath = join(dir, 'sulsel.json');
  writeFileSync(profilePath, JSON.stringify(otherCompetition(), null, 2));
  built = buildApp({ profile: profilePath });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface State {
  Type: string;
  TimeoutSeconds?: number;
  ItemProcessor?: { States: Record<string, State> };
  Iterator?: { States: Record<string, State> };
}

/** Every state of the app's state machine, by name (Map iterations included). */
function statesOf(app: BuiltApp): Record<string, State> {
  const [machine] = resourcesOfType(app.logicTemplate, 'AWS::StepFunctions::StateMachine');
  const definition = JSON.parse(render(properties(machine?.[1] ?? {}).DefinitionString)) as {
    States: Record<string, State>;
  };
  const all: Record<string, State> = {};
  const collect = (states: Record<string, State>) => {
    for (const [name, state] of Object.entries(states)) {
      all[name] = state;
      const inner = state.ItemProcessor ?? state.Iterator;
      if (inner) collect(inner.States);
    }
  };
  collect(definition.States);
  return all;
}

function functionEnvironments(app: BuiltApp): Record<string, string>[] {
  return resourcesOfType(app.logicTemplate, 'AWS::Lambda::Function').map(
    ([, fn]) => (properties(fn).Environment as { Variables: Record<string, string> }).Variables,
  );
}

describe('a profile given as a file', () => {
  it('is accepted at synth and named by its id in every function environment', () => {
    const environments = functionEnvironments(built);
    expect(environments.length).toBeGreaterThanOrEqual(10);
    for (const variables of environments) expect(variables.PROFILE).toBe('lomba-inovasi-sulsel');
  });

  it('is carried whole by the Logic stack, where the CLI reads the deployed profile', () => {
    const template = built.logicTemplate.toJSON() as { Metadata?: Record<string, unknown> };
    const expected = parseProfile(otherCompetition(), 'expected');
    expect(template.Metadata?.[PROFILE_METADATA_KEY]).toEqual(expected);
    const deployed = profileFromTemplate(JSON.stringify(template), 'the synthesized Logic stack');
    expect(deployed).toEqual(expected);
    expect(deployed.review.maxExtensionDays).toBe(45);
    built.logicTemplate.hasOutput('Profile', { Value: 'lomba-inovasi-sulsel' });
  });

  it('sizes the safety net of each review task: window + maximum extension + grace + a margin', () => {
    const states = statesOf(built);
    expect(states.SendReviewTask?.TimeoutSeconds).toBe((10 + 45 + 3 + SAFETY_NET_MARGIN_DAYS) * DAY_SECONDS);
    // A proposal that found no reviewers within one review window is failed rather than left waiting.
    expect(states.WaitForOps?.TimeoutSeconds).toBe(10 * DAY_SECONDS);
  });

  it('keeps the KIPP timeouts beyond a task extended to the limit (the fixed 30 days ended it early)', () => {
    const states = statesOf(buildApp());
    const longest = (14 + 60 + 2) * DAY_SECONDS;
    expect(states.SendReviewTask?.TimeoutSeconds).toBe(longest + SAFETY_NET_MARGIN_DAYS * DAY_SECONDS);
    expect(states.SendReviewTask?.TimeoutSeconds).toBeGreaterThan(30 * DAY_SECONDS);
    expect(states.WaitForOps?.TimeoutSeconds).toBe(14 * DAY_SECONDS);
  });
});

describe('a bad profile', () => {
  const refused = (profile: string) => {
    try {
      newApp({ profile });
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`synth accepted ${profile}`);
  };

  it('stops the synth naming the file and each offending field', () => {
    const json = otherCompetition();
    (json.review as Record<string, unknown>).maxExtensionDays = 0;
    json.timeZone = 'Asia/Bandung';
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify(json));
    const message = refused(path);
    expect(message).toContain(
      `Invalid competition profile (-c profile=${path}): Profile ${path} is invalid:`,
    );
    expect(message).toContain('review.maxExtensionDays: expected a positive integer');
    expect(message).toContain('timeZone: expected an IANA time zone such as "Asia/Jakarta"');
  });

  it('stops the synth when the file is missing or not JSON, or the name is not a bundled profile', () => {
    expect(refused(join(dir, 'none.json'))).toMatch(/none\.json is invalid: cannot read the file \(ENOENT\)/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "id": ');
    expect(refused(broken)).toMatch(/broken\.json is invalid: not valid JSON/);
    expect(refused('sinovik')).toMatch(/no bundled profile named "sinovik" \(available: kipp\)/);
  });
});

describe('the bundles', () => {
  it('embed the profile, so the deployed function needs no profile file', () => {
    // One real NodejsFunction bundle (esbuild, as `cdk deploy` ships it), with the file's profile.
    const profile = parseProfile(otherCompetition(), profilePath);
    const outdir = join(dir, 'cdk.out');
    const app = new App({ outdir, context: { ...cdkContext } });
    const stack = new Stack(app, 'BundleProbe');
    new ProjectFunction(stack, 'Aggregate', {
      entry: 'aggregate',
      description: 'probe',
      profile,
      logRetention: RetentionDays.ONE_DAY,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    app.synth();
    const asset = readdirSync(outdir).find((name) => name.startsWith('asset.'));
    expect(asset).toBeDefined();
    const bundle = readFileSync(join(outdir, asset ?? '', 'index.mjs'), 'utf8');
    expect(bundle).toContain('Lomba Inovasi Pelayanan Publik Sulawesi Selatan');
    expect(bundle).toContain('Asia/Makassar');
    expect(bundle).not.toContain(PROFILE_DEFINE);
    // Only the embedded profile: neither the profiles bundled with the code nor the reader of profile files.
    expect(bundle).not.toContain('Kompetisi Inovasi Pelayanan Publik (KIPP)');
    expect(bundle).not.toContain('cannot read the file');
  }, 60_000);

  it('run with the embedded profile, whatever env PROFILE names', async () => {
    const profile: Profile = parseProfile(otherCompetition(), profilePath);
    const out = join(dir, 'probe');
    mkdirSync(out, { recursive: true });
    await build({
      entryPoints: [new URL('../../functions/lib/profile-config.ts', import.meta.url).pathname],
      outfile: join(out, 'profile-config.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      define: profileDefine(profile),
      logLevel: 'silent',
    });
    const saved = process.env.PROFILE;
    process.env.PROFILE = 'kipp';
    try {
      const probe = (await import(pathToFileURL(join(out, 'profile-config.mjs')).href)) as {
        activeProfile: () => Profile;
      };
      expect(probe.activeProfile()).toEqual(profile);
    } finally {
      if (saved === undefined) delete process.env.PROFILE;
      else process.env.PROFILE = saved;
    }
  });
});
