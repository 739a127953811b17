/**
 * `npm run demo`: starts the whole system locally on real emulators, pushes the example proposals through it,
 * completes the reviews through the review HTTP API (one reviewer declines, so a replacement is assigned),
 * prints each proposal's journey, and exits 0 when every example reached its expected final status.
 */
import { Driver, exampleSet } from './driver';
import { formatJourney } from './journey';
import { type LocalRuntime, startLocalRuntime } from './runtime';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (line: string) => process.stdout.write(`[${elapsed().padStart(7)}] ${line}\n`);

let runtime: LocalRuntime | undefined;
let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    if (runtime) {
      say('Stopping the local runtime ...');
      await runtime.stop();
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(130));
process.on('SIGTERM', () => void shutdown(143));

try {
  say('Starting the local runtime (synth, DynamoDB Local, s3rver, SES, Step Functions) ...');
  runtime = await startLocalRuntime({ log: say });
  say(
    `Up: S3 ${runtime.endpoints.s3}, review API ${runtime.endpoints.api}, mail viewer ${runtime.endpoints.ses}`,
  );
  const driver = new Driver(runtime);
  const roster = await driver.importRoster();
  say(
    `Roster imported from examples/reviewers.csv: ${roster.created} new, ${roster.updated} updated, ${roster.unchanged} unchanged`,
  );
  const agencies = await driver.importAgencies();
  say(
    `Agency registry imported from examples/agencies.csv: ${agencies.created} new, ${agencies.updated} updated, ${agencies.unchanged} unchanged`,
  );

  const examples = exampleSet();
  const ids = new Map<string, string>();
  for (const example of examples) {
    const { id } = await driver.uploadExample(example);
    ids.set(example.file, id);
    say(`Uploaded ${example.file} as ${example.agency} (expect ${example.expect})`);
  }
  await runtime.settle();
  say('Validation and assignment done; reviewers answer their emails ...');

  const handled = new Set<string>();
  let declined = false;
  for (let round = 1; round <= 10; round++) {
    const answered = await driver.answerOpenReviews(handled, () => {
      if (!declined) {
        declined = true;
        return 'decline';
      }
      return 'submit';
    });
    if (answered === 0) break;
    say(`Round ${round}: ${answered} review task(s) answered through the review API`);
    await runtime.settle();
  }

  process.stdout.write('\nJourneys:\n');
  let failures = 0;
  for (const example of examples) {
    const id = ids.get(example.file) ?? '';
    const view = await driver.store.view(id);
    if (!view) {
      failures += 1;
      process.stdout.write(`  ${example.file}: NOT REGISTERED (expected ${example.expect})\n`);
      continue;
    }
    const ok = view.status === example.expect;
    if (!ok) failures += 1;
    process.stdout.write(`\n${ok ? 'OK  ' : 'FAIL'} ${formatJourney(view)}\n`);
    if (view.result)
      process.stdout.write(`     score ${view.result.score} from ${view.result.reviews} review(s)\n`);
    if (!ok) process.stdout.write(`     expected ${example.expect}: ${example.why}\n`);
  }
  const emails = await driver.emails();
  process.stdout.write(
    `\n${emails.length} email(s) sent (see them at ${runtime.endpoints.ses} while it runs).\n`,
  );
  say(
    failures === 0
      ? `All ${examples.length} examples reached their expected status.`
      : `${failures} example(s) did not reach their expected status.`,
  );
  await shutdown(failures === 0 ? 0 : 1);
} catch (error) {
  process.stderr.write(`\nDemo failed: ${(error as Error).stack ?? error}\n`);
  await shutdown(1);
}
