/**
 * `npx proposals …`: the command-line tool for submitters and ops. Uses the standard AWS credential chain and
 * endpoints; for the local runtime, `source .local/runtime.env` first (npm start writes it).
 */
import { Command, Option } from 'commander';
import { agenciesImportCommand, agenciesListCommand } from './commands/agencies';
import { doctorCommand, redriveCommand } from './commands/ops';
import { planCommand } from './commands/plan';
import {
  assignCommand,
  extendCommand,
  listCommand,
  reportCommand,
  resumeCommand,
  statusCommand,
  uploadCommand,
} from './commands/proposals';
import { reviewersImportCommand, reviewersListCommand } from './commands/reviewers';
import { validateCommand } from './commands/validate';
import { awsClients, CliError, deployment } from './context';
import { printError } from './output';
import { deployedProfile } from './profile';

const program = new Command('proposals')
  .description('Proposal review pipeline: upload, follow, validate, manage reviewers')
  .option(
    '--stage <stage>',
    'deployment stage whose stack outputs to use',
    process.env.PROPOSALS_STAGE ?? 'dev',
  )
  .showHelpAfterError();

let exitCode = 0;
// biome-ignore lint/suspicious/noExplicitAny: commander hands positional arguments and options over untyped
type Action = (...args: any[]) => Promise<number>;
const run =
  (action: Action) =>
  async (...args: unknown[]) => {
    process.env.PROPOSALS_STAGE = program.opts<{ stage: string }>().stage;
    exitCode = await action(...args);
  };
const lang = new Option('--lang <lang>', 'language of messages').choices(['id', 'en']);

program
  .command('upload')
  .description('upload a proposal file; it lands under incoming/<agency>/ and starts the pipeline')
  .argument('<file>')
  .requiredOption('--agency <code>', 'agency code, e.g. pemkot-surabaya')
  .option('--name <name>', 'object name (default: the file name)')
  .action(run((file: string, opts: { agency: string; name?: string }) => uploadCommand(file, opts)));

program
  .command('status')
  .description("a proposal's status, reason, reviews and history")
  .argument('<id>')
  .option('--json', 'print JSON')
  .action(run((id: string, opts: { json?: boolean }) => statusCommand(id, opts)));

program
  .command('list')
  .description('proposals, oldest first')
  .option('--status <status>', 'only this status (e.g. REJECTED)')
  .option('--json', 'print JSON (an array of proposals)')
  .action(run((opts: { status?: string; json?: boolean }) => listCommand(opts)));

program
  .command('validate')
  .description(
    'check proposal files against the competition rules, offline (exit 0 valid, 1 invalid, 2 unreadable)',
  )
  .argument('<files...>')
  .option('--profile <name|path>', 'competition profile (default kipp)')
  .option('--json', 'print one JSON report per file')
  .addOption(lang)
  .action(
    run((files: string[], opts: { profile?: string; json?: boolean; lang?: 'id' | 'en' }) =>
      validateCommand(files, opts),
    ),
  );

const reviewers = program.command('reviewers').description('the reviewer roster');
reviewers
  .command('import')
  .description('import reviewers from CSV (header row) or JSON; all or nothing; re-importing changes nothing')
  .argument('<file>')
  .option(
    '--profile <name|path>',
    "competition profile whose categories name the expertise (default: the deployment's)",
  )
  .option('--json', 'print JSON')
  .action(
    run(async (file: string, opts: { profile?: string; json?: boolean }) => {
      const { table } = await deployment();
      const profile = opts.profile ? undefined : await deployedProfile();
      return reviewersImportCommand(file, opts, { doc: awsClients().doc, table, profile });
    }),
  );
reviewers
  .command('list')
  .description('reviewers with load/capacity')
  .option('--json', 'print JSON')
  .action(
    run(async (opts: { json?: boolean }) => {
      const { table } = await deployment();
      return reviewersListCommand(opts, { doc: awsClients().doc, table });
    }),
  );

const agencies = program.command('agencies').description('the registry of submitting agencies');
agencies
  .command('import')
  .description('import agencies from CSV (header row) or JSON; all or nothing; re-importing changes nothing')
  .argument('<file>')
  .option('--json', 'print JSON')
  .addOption(new Option('--lang <lang>', 'language of messages').choices(['id', 'en']))
  .action(
    run(async (file: string, opts: { json?: boolean; lang?: 'id' | 'en' }) => {
      const { table } = await deployment();
      return agenciesImportCommand(file, opts, { doc: awsClients().doc, table });
    }),
  );
agencies
  .command('list')
  .description('agencies ordered by code, with parent government, region, kind and contacts')
  .option('--json', 'print JSON')
  .addOption(new Option('--lang <lang>', 'language of messages').choices(['id', 'en']))
  .action(
    run(async (opts: { json?: boolean; lang?: 'id' | 'en' }) => {
      const { table } = await deployment();
      return agenciesListCommand(opts, { doc: awsClients().doc, table });
    }),
  );

program
  .command('plan')
  .description(
    'plan reviewer assignment on given data, without AWS (online in file order, or batch over the round)',
  )
  .requiredOption('--roster <file>', 'roster, as `reviewers import` accepts (CSV or JSON)')
  .requiredOption(
    '--proposals <file>',
    'proposals, one JSON object a line (id, institution, agency, category, ...)',
  )
  .addOption(new Option('--mode <mode>', 'online or batch').choices(['online', 'batch']).default('online'))
  .option('--profile <name|path>', 'competition profile (default: kipp)')
  .option('--json', 'print JSON')
  .action(
    run((opts: { roster: string; proposals: string; mode: string; profile?: string; json?: boolean }) =>
      planCommand(opts),
    ),
  );

program
  .command('assign')
  .description(
    'reserve named reviewers for a proposal (conflicts are refused) and let a waiting proposal carry on',
  )
  .argument('<id>')
  .requiredOption('--reviewer <id...>', 'reviewer id(s)')
  .action(run((id: string, opts: { reviewer: string[] }) => assignCommand(id, opts)));

program
  .command('resume')
  .description('retry the assignment of a proposal waiting in NEEDS_REVIEWERS (e.g. after a roster import)')
  .argument('<id>')
  .action(run((id: string) => resumeCommand(id)));

program
  .command('extend')
  .description("move one review task's deadline")
  .argument('<reviewId>')
  .requiredOption('--days <n>', "days to add (in all at most the profile's review.maxExtensionDays)")
  .action(run((reviewId: string, opts: { days: string }) => extendCommand(reviewId, opts)));

program
  .command('report')
  .description('ranking of reviewed proposals')
  .option('--group <group>')
  .option('--category <category>')
  .addOption(new Option('--format <format>').choices(['table', 'csv', 'md']).default('table'))
  .action(run((opts: { group?: string; category?: string; format?: string }) => reportCommand(opts)));

program
  .command('redrive')
  .description('move dead-lettered intake messages back to the intake queue (shows progress)')
  .action(run(() => redriveCommand()));

program
  .command('doctor')
  .description(
    'check credentials, the stack resources, the roster, the dead-letter queue and SES; say what to fix',
  )
  .option('--json', 'print JSON')
  .action(run((opts: { json?: boolean }) => doctorCommand(opts)));

try {
  await program.parseAsync(process.argv);
  process.exitCode = exitCode;
} catch (error) {
  if (error instanceof CliError) {
    printError(`${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    printError(`Error: ${(error as Error).name}: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
