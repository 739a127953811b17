/**
 * Estimated AWS cost per 1,000 proposals, per path (happy: valid with all reviews; rejected), from the state
 * transitions walked in the synthesized definition, the handlers' measured time and each function's memory,
 * and counts taken from a burst on the local runtime. Unit prices are us-east-1 list prices and are printed
 * beside the figures; nothing here calls AWS.
 */
import {
  type AslDefinition,
  type PathCount,
  type PathScenario,
  taskFunction,
  taskStates,
  walkPath,
} from './asl';
import type { BenchResult } from './validation';

export const PRICES = {
  /** Step Functions Standard, per state transition. */
  sfnTransition: 0.025 / 1000,
  /** Lambda arm64, per GB-second and per request. */
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1_000_000,
  /** DynamoDB on-demand, per write and read request unit. */
  dynamoWrite: 0.625 / 1_000_000,
  dynamoRead: 0.125 / 1_000_000,
  /** S3 Standard, PUT-class and GET-class requests. */
  s3Put: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
  /** SES outbound email, per message. */
  sesEmail: 0.1 / 1000,
  /** SQS standard queue, per request. */
  sqsRequest: 0.4 / 1_000_000,
} as const;

export const PRICE_NOTE =
  'us-east-1 list prices: Step Functions Standard $0.025 per 1,000 transitions; Lambda arm64 $0.0000133334 per GB-s ' +
  'and $0.20 per 1M requests; DynamoDB on-demand $0.625 per 1M write units, $0.125 per 1M read units; ' +
  'S3 $0.005 per 1,000 PUT, $0.0004 per 1,000 GET; SES $0.10 per 1,000 emails; SQS $0.40 per 1M requests.';

/** Scenarios for the two paths, built from what the handlers return (see functions/*.ts). */
export function pathScenarios(reviewersPerProposal: number): {
  happy: PathScenario;
  rejected: PathScenario;
  inReview: PathScenario;
} {
  const input = { proposalId: 'p-bench', bucket: 'bucket', key: 'incoming/pemda/p.md', versionId: null };
  const tasks = Array.from({ length: reviewersPerProposal }, (_, i) => ({
    proposalId: 'p-bench',
    reviewerId: `r${i}`,
  }));
  const happyResults = {
    Validate: { valid: true, group: 'umum', category: 'kesehatan', reason: 'valid' },
    AssignReviewers: { complete: true, tasks, missing: 0 },
    SendReviewTask: { score: 75 },
    Aggregate: { enough: true },
    NotifyResult: null,
  };
  return {
    happy: { name: 'happy', input, results: happyResults },
    inReview: { name: 'in review', input, results: happyResults, waitsAt: ['SendReviewTask'] },
    rejected: {
      name: 'rejected',
      input,
      results: { Validate: { valid: false, reason: 'SECTION_MISSING' }, NotifyRejected: null },
    },
  };
}

export interface FunctionInfo {
  logicalId: string;
  memorySize: number;
  /** Mean handler time per invocation (ms), measured. */
  meanMs: number;
}

export interface CostInput {
  definition: AslDefinition;
  /** Function ARN (as in the resolved definition) -> what it is. */
  functions: Map<string, FunctionInfo>;
  reviewersPerProposal: number;
  /** The intake function (one SQS message per proposal; batches of one assumed, the dearest case). */
  intake: FunctionInfo;
  /** The review API function and how many requests one review takes (page, accept, submit). */
  review: FunctionInfo & { requestsPerReview: number };
  /** Functions whose every invocation sends one email (checked against the burst's mail). */
  emailFunctions: Set<string>;
  /** Mean stored size (bytes) of a proposal item, a history event, a review task and a reviewer. */
  itemBytes: { proposal: number; event: number; review: number; reviewer: number };
  /** History events a proposal collects on each path (measured in the burst). */
  eventsPerPath: { happy: number; rejected: number };
  rosterSize: number;
}

export interface PathCost {
  path: string;
  walk: PathCount;
  transitions: number;
  lambdaRequests: number;
  lambdaGbSeconds: number;
  writeUnits: number;
  readUnits: number;
  s3Puts: number;
  s3Gets: number;
  emails: number;
  sqsRequests: number;
  dollars: Record<'sfn' | 'lambda' | 'dynamodb' | 's3' | 'ses' | 'sqs' | 'total', number>;
}

const kb = (bytes: number, unit: number) => Math.max(1, Math.ceil(bytes / unit));

export function pathCost(input: CostInput, scenario: PathScenario): PathCost {
  const walk = walkPath(input.definition, scenario);
  const byState = new Map(taskStates(input.definition).map(({ name, state }) => [name, taskFunction(state)]));
  let lambdaRequests = 1; // intake
  let gbSeconds = (input.intake.meanMs / 1000) * (input.intake.memorySize / 1024);
  let emails = 0;
  for (const [state, count] of Object.entries(walk.tasks)) {
    const arn = byState.get(state);
    const fn = arn ? input.functions.get(arn) : undefined;
    if (!fn) throw new Error(`Task state ${state} calls no known function (${arn})`);
    lambdaRequests += count;
    gbSeconds += count * (fn.meanMs / 1000) * (fn.memorySize / 1024);
    if (input.emailFunctions.has(fn.logicalId)) emails += count;
  }
  const reviews = walk.tasks.SendReviewTask ?? 0;
  const reviewRequests = reviews * input.review.requestsPerReview;
  lambdaRequests += reviewRequests;
  gbSeconds += reviewRequests * (input.review.meanMs / 1000) * (input.review.memorySize / 1024);

  // DynamoDB, roughly (see BENCHMARKS.md): every status change is a transaction that updates the proposal and
  // puts a history event (transactions bill twice); the title and quota claims are one conditional put each on a
  // valid document; each review seat is a transaction (task put + reviewer load), then two task updates (token,
  // decision). Reads: each Lambda invocation reads the proposal once, strongly consistent; the assignment reads
  // the roster with an eventually consistent query.
  const { itemBytes } = input;
  const events = scenario.name === 'rejected' ? input.eventsPerPath.rejected : input.eventsPerPath.happy;
  const valid = scenario.name !== 'rejected';
  let writeUnits = events * 2 * (kb(itemBytes.proposal, 1024) + kb(itemBytes.event, 1024));
  writeUnits += 2 * 1; // title + quota claims (the validator claims them for any readable document)
  writeUnits +=
    reviews *
    (2 * (kb(itemBytes.review, 1024) + kb(itemBytes.reviewer, 1024)) + 2 * kb(itemBytes.review, 1024));
  let readUnits = (lambdaRequests - 1) * kb(itemBytes.proposal, 4096);
  if (valid) readUnits += 0.5 * kb(itemBytes.reviewer * input.rosterSize, 4096);

  const s3Puts = 1;
  const s3Gets = 2 + reviews; // validation: HEAD + ranged GET; each reviewer opens the file once
  const sqsRequests = 3; // send (S3), receive, delete
  const dollars = {
    sfn: walk.transitions * PRICES.sfnTransition,
    lambda: gbSeconds * PRICES.lambdaGbSecond + lambdaRequests * PRICES.lambdaRequest,
    dynamodb: writeUnits * PRICES.dynamoWrite + readUnits * PRICES.dynamoRead,
    s3: s3Puts * PRICES.s3Put + s3Gets * PRICES.s3Get,
    ses: emails * PRICES.sesEmail,
    sqs: sqsRequests * PRICES.sqsRequest,
    total: 0,
  };
  dollars.total = dollars.sfn + dollars.lambda + dollars.dynamodb + dollars.s3 + dollars.ses + dollars.sqs;
  return {
    path: scenario.name,
    walk,
    transitions: walk.transitions,
    lambdaRequests,
    lambdaGbSeconds: gbSeconds,
    writeUnits,
    readUnits,
    s3Puts,
    s3Gets,
    emails,
    sqsRequests,
    dollars,
  };
}

const money = (value: number) => Math.round(value * 10_000) / 10_000;

/** Rows per 1,000 proposals for one path. */
export function costResults(cost: PathCost): BenchResult[] {
  const per = (n: number) => n * 1000;
  const p = `cost.${cost.path}`;
  return [
    {
      name: `${p}.stepFunctions`,
      value: money(per(cost.dollars.sfn)),
      unit: '$',
      note: `${cost.transitions} transitions x $0.025/1,000`,
    },
    {
      name: `${p}.lambda`,
      value: money(per(cost.dollars.lambda)),
      unit: '$',
      note: `${cost.lambdaRequests} requests, ${cost.lambdaGbSeconds.toFixed(3)} GB-s x $0.0000133334 + $0.20/1M`,
    },
    {
      name: `${p}.dynamodb`,
      value: money(per(cost.dollars.dynamodb)),
      unit: '$',
      note: `~${cost.writeUnits} WRU x $0.625/1M, ~${cost.readUnits} RRU x $0.125/1M`,
    },
    {
      name: `${p}.s3`,
      value: money(per(cost.dollars.s3)),
      unit: '$',
      note: `${cost.s3Puts} PUT x $0.005/1,000, ${cost.s3Gets} GET x $0.0004/1,000`,
    },
    {
      name: `${p}.ses`,
      value: money(per(cost.dollars.ses)),
      unit: '$',
      note: `${cost.emails} emails x $0.10/1,000`,
    },
    {
      name: `${p}.sqs`,
      value: money(per(cost.dollars.sqs)),
      unit: '$',
      note: `${cost.sqsRequests} requests x $0.40/1M`,
    },
    { name: `${p}.total`, value: money(per(cost.dollars.total)), unit: '$', note: 'per 1,000 proposals' },
  ];
}
