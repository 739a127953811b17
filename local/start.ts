/**
 * `npm start`: the whole system on this machine, staying up. Prints the endpoints, writes .local/runtime.env
 * (so `npx proposals …` and the AWS CLI talk to it), prints each review link as its email is sent, runs the
 * reminder schedule every hour, and stops everything on Ctrl-C.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanText, oneLine } from '../functions/lib/clean-text';
import { Driver } from './driver';
import { systemPortalLinks, systemReviewLinks } from './mail-links';
import { PortalJourney } from './portal-journey';
import { type LocalRuntime, startLocalRuntime } from './runtime';

const ENV_FILE = join(new URL('..', import.meta.url).pathname, '.local', 'runtime.env');
/** Prints a line, cleaned of escape sequences and controls (log lines can carry a document's text). */
const say = (line: string) => process.stdout.write(`${cleanText(line, { newlines: true })}\n`);
const verbose = process.argv.includes('--verbose');
/** `npm start -- --profile path.json`: run another competition's profile (as `cdk deploy -c profile=…`). */
const profileArg = process.argv.indexOf('--profile');
const profile = profileArg >= 0 ? process.argv[profileArg + 1] : undefined;

let runtime: LocalRuntime | undefined;
let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('\nStopping everything ...');
    await runtime?.stop();
    say('Stopped.');
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  runtime = await startLocalRuntime({
    log: say,
    lambdaLog: verbose ? say : undefined,
    context: profile ? { profile } : undefined,
  });
  const driver = new Driver(runtime);
  const roster = await driver.importRoster();
  // The example agencies are registered and invited: their portal links appear in the mail log below.
  const agencies = await driver.importAgencies();
  const agencyCount = agencies.created + agencies.updated + agencies.unchanged;
  mkdirSync(join(ENV_FILE, '..'), { recursive: true });
  writeFileSync(
    ENV_FILE,
    `${Object.entries(runtime.env)
      .map(([k, v]) => `export ${k}=${v}`)
      .join('\n')}\n`,
  );
  const { endpoints, names } = runtime;
  say(`
The proposal review pipeline runs locally.

  S3 (uploads)     ${endpoints.s3}   bucket ${names.bucket}, prefix incoming/<agency>/
  Mail viewer      ${endpoints.ses}
  Review API       ${names.reviewBaseUrl}
  Portal           ${names.portalUrl}   (agencies open it from their invitation link)
  DynamoDB Local   ${endpoints.dynamodb}   table ${names.table}
  Step Functions   ${endpoints.sfn}
  Roster           ${roster.created + roster.updated + roster.unchanged} reviewers from examples/reviewers.csv
  Agencies         ${agencyCount} from examples/agencies.csv, each invited to the portal (links below)

In another terminal:
  source .local/runtime.env
  npx proposals upload examples/proposals/01-dinkes-surabaya-umum.md --agency pemkot-surabaya
  npx proposals list
  aws s3 cp FILE s3://${names.bucket}/incoming/<agency>/FILE --endpoint-url ${endpoints.s3}   (AWS CLI works too)

Portal and review links appear below as the emails go out. Ctrl-C stops everything.
`);
  const seen = new Set<string>();
  const poll = setInterval(async () => {
    try {
      for (const email of await driver.emails()) {
        if (seen.has(email.messageId)) continue;
        seen.add(email.messageId);
        // Only a link the system built (the review API's base URL with the signed query) is printed as a review
        // link; subject and recipients are printed cleaned (they carry the document's title).
        const text = email.body.text ?? '';
        const [link] = systemReviewLinks(text, names.reviewBaseUrl);
        const [portal] = systemPortalLinks(text, names.portalUrl);
        say(
          `[mail] to ${oneLine(email.destination.to.join(', '))}: ${oneLine(email.subject)}${link ? `\n       review link: ${link}` : ''}${portal ? `\n       portal link: ${portal}` : ''}`,
        );
      }
    } catch {
      // the mail emulator is stopping
    }
  }, 1000);
  poll.unref();
  await new PortalJourney(driver).invite('all');
  const hourly = setInterval(
    () => void runtime?.runSchedules().catch((error) => say(`[reminders] ${error.message}`)),
    3_600_000,
  );
  hourly.unref();
  await new Promise(() => {});
} catch (error) {
  process.stderr.write(
    `\nThe local runtime could not start: ${cleanText((error as Error).message, { newlines: true })}\n`,
  );
  await shutdown(1);
}
