/**
 * `npx proposals …`: the command-line tool for submitters and ops. Uses the standard AWS credential chain and
 * endpoints; for the local runtime, `source .local/runtime.env` first (npm start writes it).
 */
import { Command, Option } from 'commander';
import { printError } from './output';

/**
 * Modules load on demand: each is imported when a command that needs it runs (a chunk of the built CLI, see
 * scripts/build-cli.mjs), so `proposals --help` and `proposals validate` load neither the AWS SDK nor the other
 * commands. A new command calls `(await load.itsModule()).itsCommand(...)` in its action.
 */
const load = {
  agencies: () => import('./commands/agencies'),
  finalists: () => import('./commands/finalists'),
  ops: () => import('./commands/ops'),
  plan: () => import('./commands/plan'),
  livePlan: () => import('./commands/live-plan'),
  proposals: () => import('./commands/proposals'),
  reviewers: () => import('./commands/reviewers'),
  validate: () => import('./commands/validate'),
  context: () => import('./context'),
  profile: () => import('./profile'),
};

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
  .action(
    run(async (file: string, opts: { agency: string; name?: string }) =>
      (await load.proposals()).uploadCommand(file, opts),
    ),
  );

program
  .command('status')
  .description("a proposal's status, reason, reviews and history")
  .argument('<id>')
  .option('--json', 'print JSON')
  .action(
    run(async (id: string, opts: { json?: boolean }) => (await load.proposals()).statusCommand(id, opts)),
  );

program
  .command('list')
  .description('proposals, oldest first')
  .option('--status <status>', 'only this status (e.g. REJECTED)')
  .option('--json', 'print JSON (an array of proposals)')
  .action(
    run(async (opts: { status?: string; json?: boolean }) => (await load.proposals()).listCommand(opts)),
  );

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
    run(async (files: string[], opts: { profile?: string; json?: boolean; lang?: 'id' | 'en' }) =>
      (await load.validate()).validateCommand(files, opts),
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
      const { table } = await (await load.context()).deployment();
      const profile = opts.profile ? undefined : await (await load.profile()).deployedProfile();
      return (await load.reviewers()).reviewersImportCommand(file, opts, {
        doc: (await load.context()).awsClients().doc,
        table,
        profile,
      });
    }),
  );
reviewers
  .command('list')
  .description('reviewers with load/capacity')
  .option('--json', 'print JSON')
  .action(
    run(async (opts: { json?: boolean }) => {
      const { table } = await (await load.context()).deployment();
      return (await load.reviewers()).reviewersListCommand(opts, {
        doc: (await load.context()).awsClients().doc,
        table,
      });
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
      const { table } = await (await load.context()).deployment();
      return (await load.agencies()).agenciesImportCommand(file, opts, {
        doc: (await load.context()).awsClients().doc,
        table,
      });
    }),
  );
agencies
  .command('invite')
  .description(
    'email each contact of the agencies its signed portal link (expires after the deadline plus a margin)',
  )
  .argument('[codes...]', 'agency codes')
  .option('--all', 'every agency of the registry')
  .option('--show-links', 'also print each link (a credential: share it only with that agency)')
  .option('--json', 'print JSON')
  .addOption(new Option('--lang <lang>', 'language of messages').choices(['id', 'en']))
  .action(
    run(
      async (
        codes: string[],
        opts: { all?: boolean; showLinks?: boolean; json?: boolean; lang?: 'id' | 'en' },
      ) => {
        const [{ agenciesInviteCommand }, { portalDeps }] = await Promise.all([
          import('./commands/invitations'),
          import('./portal'),
        ]);
        return agenciesInviteCommand(codes, opts, await portalDeps());
      },
    ),
  );
agencies
  .command('revoke')
  .description('invalidate every portal link of an agency sent so far (invite it again for a new one)')
  .argument('<code>')
  .addOption(new Option('--lang <lang>', 'language of messages').choices(['id', 'en']))
  .action(
    run(async (code: string, opts: { lang?: 'id' | 'en' }) => {
      const { agenciesRevokeCommand } = await import('./commands/invitations');
      const { table } = await (await load.context()).deployment();
      return agenciesRevokeCommand(code, opts, { doc: (await load.context()).awsClients().doc, table });
    }),
  );
agencies
  .command('list')
  .description('agencies ordered by code, with parent government, region, kind and contacts')
  .option('--json', 'print JSON')
  .addOption(new Option('--lang <lang>', 'language of messages').choices(['id', 'en']))
  .action(
    run(async (opts: { json?: boolean; lang?: 'id' | 'en' }) => {
      const { table } = await (await load.context()).deployment();
      return (await load.agencies()).agenciesListCommand(opts, {
        doc: (await load.context()).awsClients().doc,
        table,
      });
    }),
  );

program
  .command('plan')
  .description(
    'plan reviewer assignment on given data, without AWS (online in file order, or batch over the round); ' +
      '--live: the batch re-plan of the deployed round (a dry run, or --apply)',
  )
  .option('--roster <file>', 'roster, as `reviewers import` accepts (CSV or JSON)')
  .option('--proposals <file>', 'proposals, one JSON object a line (id, institution, agency, category, ...)')
  .addOption(new Option('--mode <mode>', 'online or batch').choices(['online', 'batch']).default('online'))
  .option(
    '--live',
    'plan the deployed round after the deadline (accepted and submitted tasks kept) and print the moves; without --apply it writes nothing',
  )
  .option(
    '--apply',
    'with --live: move the pending tasks the plan moves and tell the reviewers affected (Ctrl-C stops between proposals)',
  )
  .option('--profile <name|path>', "competition profile (default: kipp; with --live, the deployment's)")
  .option('--json', 'print JSON')
  .action(
    run(
      async (opts: {
        roster?: string;
        proposals?: string;
        mode: string;
        live?: boolean;
        apply?: boolean;
        profile?: string;
        json?: boolean;
      }) => {
        if (opts.apply && !opts.live) {
          const { CliError } = await load.context();
          throw new CliError('--apply goes with --live (a plan on given files writes nothing)', 2);
        }
        if (opts.live) {
          const live = await load.livePlan();
          return live.planLiveCommand(opts, await live.deployedLiveSource(opts.profile));
        }
        return (await load.plan()).planCommand(opts);
      },
    ),
  );

program
  .command('assign')
  .description(
    'reserve named reviewers for a proposal (conflicts are refused) and let a waiting proposal carry on',
  )
  .argument('<id>')
  .requiredOption('--reviewer <id...>', 'reviewer id(s)')
  .action(
    run(async (id: string, opts: { reviewer: string[] }) => (await load.proposals()).assignCommand(id, opts)),
  );

program
  .command('resume')
  .description('retry the assignment of a proposal waiting in NEEDS_REVIEWERS (e.g. after a roster import)')
  .argument('<id>')
  .action(run(async (id: string) => (await load.proposals()).resumeCommand(id)));

program
  .command('extend')
  .description("move one review task's deadline")
  .argument('<reviewId>')
  .requiredOption('--days <n>', "days to add (in all at most the profile's review.maxExtensionDays)")
  .action(
    run(async (reviewId: string, opts: { days: string }) =>
      (await load.proposals()).extendCommand(reviewId, opts),
    ),
  );

program
  .command('report')
  .description('ranking of reviewed proposals')
  .option('--group <group>')
  .option('--category <category>')
  .addOption(new Option('--format <format>').choices(['table', 'csv', 'md']).default('table'))
  .option('--top <n>', 'flag the proposals calibration moves into or out of the top n (default 99)')
  .action(
    run(async (opts: { group?: string; category?: string; format?: string; top?: string }) =>
      (await load.proposals()).reportCommand(opts),
    ),
  );

program
  .command('finalists')
  .description(
    "finalists by calibrated score under the profile's quotas (integer program), with what each quota costs",
  )
  .option('--top <n>', "how many (default: the profile's finalists.top, else 99)")
  .addOption(new Option('--format <format>').choices(['table', 'csv', 'md', 'json']).default('table'))
  .option('--record', "write each finalist's place into its history")
  .option('--profile <name|path>', "competition profile (default: the deployment's)")
  .action(
    run(async (opts: { top?: string; format?: string; record?: boolean; profile?: string }) =>
      (await load.finalists()).finalistsCommand(opts),
    ),
  );

program
  .command('redrive')
  .description('move dead-lettered intake messages back to the intake queue (shows progress)')
  .action(run(async () => (await load.ops()).redriveCommand()));

program
  .command('doctor')
  .description(
    'check credentials, the stack resources, the roster, the dead-letter queue and SES; say what to fix',
  )
  .option('--json', 'print JSON')
  .action(run(async (opts: { json?: boolean }) => (await load.ops()).doctorCommand(opts)));

try {
  await program.parseAsync(process.argv);
  process.exitCode = exitCode;
} catch (error) {
  if (error instanceof (await load.context()).CliError) {
    printError(`${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    printError(`Error: ${(error as Error).name}: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
