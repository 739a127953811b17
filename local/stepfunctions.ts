/**
 * Runs the synthesized state machine with aws-local-stepfunctions. The interpreter only calls Lambda through the
 * real SDK and has no task tokens, so this adapter maps each Task state (by name) to the local Lambda host and
 * implements `.waitForTaskToken`: it issues a token through the Context Object, and the execution waits until
 * SendTaskSuccess / SendTaskFailure arrives on the local Step Functions API.
 */
import { randomBytes } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { isThrottle, LambdaError } from './lambdas';

type Json = unknown;
type AslState = Record<string, unknown> & { Type: string; Resource?: string };
type AslDefinition = { StartAt: string; States: Record<string, AslState> };

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface LocalExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  abort: () => void;
  done: Promise<void>;
}

export class SfnApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** Longest timer Node can set (setTimeout overflows past 2^31-1 ms and then fires at once). */
const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
const TOKEN_PREFIX = 'localtoken-';

/** The Task state that invokes a Lambda. */
export interface TaskContext {
  stateName: string;
  /** The state's TimeoutSeconds (after the local cap), if it has one. */
  timeoutSeconds?: number;
}

export interface LocalStepFunctionsOptions {
  invokeLambda: (arn: string, payload: Json, task: TaskContext) => Promise<Json>;
  onLog?: (line: string) => void;
}

interface Waiter {
  executionArn: string;
  stateName: string;
  /** True once the task's Lambda has returned: from then on the execution waits on a person. */
  sent: boolean;
  resolve: (value: Json) => void;
  reject: (error: Error) => void;
}

export class LocalStepFunctions {
  /**
   * Each registered definition with its interpreter, built (and its definition validated) once: constructing a
   * StateMachine runs asl-validator's JSON-schema checks, which cost more main-thread time per execution than
   * everything else the interpreter does for it; the interpreter keeps no state between runs.
   */
  private readonly machines = new Map<
    string,
    { definition: AslDefinition; machine: StateMachine; clamped: string[] }
  >();
  readonly executions = new Map<string, LocalExecution>();
  /** Tokens issued through the Context Object and not yet spent. */
  private readonly issued = new Set<string>();
  private readonly waiters = new Map<string, Waiter>();
  /**
   * Executions still RUNNING, and per execution the tokens whose task Lambda has returned (it waits on a person):
   * kept as they change, so running() (polled while the runtime settles) does not walk every execution and token.
   */
  private readonly runningArns = new Set<string>();
  private readonly sentTokens = new Map<string, number>();
  /** Counts of state transitions per state name (for cost estimates); a throttled attempt is not one. */
  readonly transitions = new Map<string, number>();
  /** Task attempts Lambda refused for want of concurrency (retried by the definition's retrier), per state. */
  readonly throttles = new Map<string, number>();

  /** Throttled task attempts over every state. */
  get totalThrottles(): number {
    let total = 0;
    for (const n of this.throttles.values()) total += n;
    return total;
  }
  /**
   * Most throttled attempts in a row of one state entry (an execution's state with the same input, its task token
   * aside: each iteration of a Map state on its own): against the retrier's MaxAttempts, how close a burst came to
   * exhausting it.
   */
  maxThrottleStreak = 0;
  /**
   * Per execution: the attempts each retrier of a state entry has made so far, counted as the interpreter counts
   * them (its first matching retrier decides, up to its MaxAttempts), so the runtime knows which failed attempt
   * will be retried.
   */
  private readonly retrierAttempts = new Map<string, Map<string, number[]>>();
  /**
   * Per execution: the state entries sleeping in their retrier's backoff after a failed attempt (a throttle, a
   * transient error). Such an execution is busy, not waiting on people, even when its other branches only wait
   * for reviewers.
   */
  private readonly backingOff = new Map<string, Set<string>>();

  constructor(private readonly options: LocalStepFunctionsOptions) {}

  has(stateMachineArn: string): boolean {
    return this.machines.has(stateMachineArn);
  }

  register(stateMachineArn: string, definition: AslDefinition): string[] {
    const copy = structuredClone(definition);
    const clamped: string[] = [];
    walkStates(copy, (name, state) => {
      const timeout = state.TimeoutSeconds;
      if (typeof timeout === 'number' && timeout > MAX_TIMEOUT_SECONDS) {
        state.TimeoutSeconds = MAX_TIMEOUT_SECONDS;
        clamped.push(`${name}: TimeoutSeconds ${timeout} -> ${MAX_TIMEOUT_SECONDS} (local timer limit)`);
      }
    });
    const machine = new StateMachine(copy as never, {
      validationOptions: { checkArn: false, checkPaths: false },
    });
    this.machines.set(stateMachineArn, { definition: copy, machine, clamped });
    return clamped;
  }

  /** Task invocations in flight per execution (a task waiting on a person is not counted once it was sent). */
  private readonly inflight = new Map<string, number>();

  private overrides(
    definition: AslDefinition,
    executionArn: string,
  ): Record<string, (input: Json) => Promise<Json>> {
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    walkStates(definition, (name, state) => {
      if (state.Type !== 'Task' || !state.Resource) return;
      handlers[name] = async (input) => {
        // Found now: a throttled attempt gives its token back before the catch below sees the error.
        const token = findToken(input, this.issued);
        // The entry this attempt belongs to (a retry has the same input but a fresh task token), worked out only
        // for an execution that met a failed attempt: most attempts never need it.
        let entry: string | undefined;
        const entryOf = () => {
          if (entry === undefined) {
            const payload = JSON.stringify(input) ?? '';
            entry = `${name}|${token ? payload.replace(token, '') : payload}`;
          }
          return entry;
        };
        const sleeping = this.backingOff.get(executionArn);
        if (sleeping?.size) sleeping.delete(entryOf());
        const started = Date.now();
        this.inflight.set(executionArn, (this.inflight.get(executionArn) ?? 0) + 1);
        let counted = true;
        const settle = () => {
          if (!counted) return;
          counted = false;
          this.inflight.set(executionArn, (this.inflight.get(executionArn) ?? 1) - 1);
        };
        try {
          const task = { stateName: name, timeoutSeconds: state.TimeoutSeconds as number | undefined };
          const result = await this.runTask(
            task,
            state.Resource as string,
            input,
            token,
            executionArn,
            settle,
          );
          const attempts = this.retrierAttempts.get(executionArn);
          if (attempts?.size) attempts.delete(entryOf());
          return result;
        } catch (error) {
          if (isThrottle(error)) this.throttled(name);
          // An attempt that outlived the state's TimeoutSeconds was already given up by the interpreter
          // (States.Timeout): its late error is retried by nothing.
          const timeout = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds * 1000 : Infinity;
          if (Date.now() - started < timeout) this.failed(executionArn, state, entryOf(), error);
          throw error;
        } finally {
          settle();
        }
      };
    });
    return handlers;
  }

  /** A task attempt was throttled: counted apart from the transitions. */
  private throttled(stateName: string): void {
    // Not a transition: the retrier runs the state again after its backoff.
    this.transitions.set(stateName, (this.transitions.get(stateName) ?? 1) - 1);
    this.throttles.set(stateName, (this.throttles.get(stateName) ?? 0) + 1);
  }

  /**
   * A task attempt failed: when one of the state's retriers will run it again, its execution is busy while the
   * retrier backs off (until the attempt starts); when none will, the error goes to the state's catchers.
   */
  private failed(executionArn: string, state: AslState, entry: string, error: unknown): void {
    const counts = this.retrierAttempts.get(executionArn) ?? new Map<string, number[]>();
    this.retrierAttempts.set(executionArn, counts);
    const attempts = counts.get(entry) ?? [];
    const retrier = retrierFor(state, error);
    // The throttle retrier's attempts so far, and this one, are the entry's throttles in a row.
    if (isThrottle(error)) {
      const streak = (retrier ? (attempts[retrier.index] ?? 0) : 0) + 1;
      this.maxThrottleStreak = Math.max(this.maxThrottleStreak, streak);
    }
    if (retrier === undefined || (attempts[retrier.index] ?? 0) >= retrier.maxAttempts) {
      counts.delete(entry); // the state is left; a later visit starts its retriers afresh
      return;
    }
    attempts[retrier.index] = (attempts[retrier.index] ?? 0) + 1;
    counts.set(entry, attempts);
    const sleeping = this.backingOff.get(executionArn) ?? new Set<string>();
    this.backingOff.set(executionArn, sleeping);
    sleeping.add(entry);
  }

  private async runTask(
    task: TaskContext,
    resource: string,
    input: Json,
    /** The task token the input carries, if any (a `.waitForTaskToken` payload's). */
    token: string | undefined,
    executionArn: string,
    sent: () => void,
  ): Promise<Json> {
    const { stateName } = task;
    this.transitions.set(stateName, (this.transitions.get(stateName) ?? 0) + 1);
    if (resource.startsWith('arn:aws:lambda:')) return this.options.invokeLambda(resource, input, task);
    if (resource === 'arn:aws:states:::lambda:invoke') {
      const { FunctionName, Payload } = input as { FunctionName: string; Payload: Json };
      const result = await this.options.invokeLambda(FunctionName, Payload, task);
      return { Payload: result, StatusCode: 200, ExecutedVersion: '$LATEST' };
    }
    if (resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') {
      const { FunctionName, Payload } = input as { FunctionName: string; Payload: Json };
      if (!token) throw new SfnApiError('States.Runtime', `${stateName}: the payload carries no task token`);
      const waiter: Waiter = { executionArn, stateName, sent: false, resolve: () => {}, reject: () => {} };
      const waiting = new Promise<Json>((resolve, reject) => {
        waiter.resolve = resolve;
        waiter.reject = reject;
      });
      this.waiters.set(token, waiter);
      try {
        await this.options.invokeLambda(FunctionName, Payload, task);
        waiter.sent = true;
        this.sentTokens.set(executionArn, (this.sentTokens.get(executionArn) ?? 0) + 1);
        sent();
      } catch (error) {
        this.waiters.delete(token);
        this.issued.delete(token);
        throw error;
      }
      return waiting;
    }
    throw new SfnApiError('States.Runtime', `${stateName}: resource ${resource} is not supported locally`);
  }

  startExecution(stateMachineArn: string, name: string, input: string): LocalExecution {
    const machine = this.machines.get(stateMachineArn);
    if (!machine)
      throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new SfnApiError('InvalidName', `Invalid Name: '${name}'`);
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // Step Functions: same name and same input while running is idempotent; otherwise it is refused.
      if (existing.input === input && existing.status === 'RUNNING') return existing;
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    let parsed: Json;
    try {
      parsed = JSON.parse(input);
    } catch {
      throw new SfnApiError('InvalidExecutionInput', 'Invalid execution input: not JSON');
    }
    const issued = this.issued;
    const context = {
      Execution: { Id: executionArn, Name: name, StartTime: new Date().toISOString() },
      StateMachine: { Id: stateMachineArn },
      Task: {
        get Token() {
          const token = `${TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;
          issued.add(token);
          return token;
        },
      },
    };
    const run = machine.machine.run(parsed as never, {
      overrides: { taskResourceLocalHandlers: this.overrides(machine.definition, executionArn) as never },
      context,
    });
    const execution: LocalExecution = {
      executionArn,
      stateMachineArn,
      name,
      input,
      status: 'RUNNING',
      startDate: new Date(),
      abort: run.abort,
      done: Promise.resolve(),
    };
    const ended = () => {
      this.runningArns.delete(executionArn);
      this.backingOff.delete(executionArn);
      this.retrierAttempts.delete(executionArn);
    };
    execution.done = run.result.then(
      (output: Json) => {
        ended();
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(output ?? null);
        execution.stopDate = new Date();
      },
      (error: Error & { cause?: unknown }) => {
        const inner = unwrap(error);
        ended();
        if (execution.status === 'ABORTED') return;
        execution.status = inner.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED';
        execution.error = inner.name;
        execution.cause = inner.message;
        execution.stopDate = new Date();
        this.options.onLog?.(`[StepFunctions] ${name} ${execution.status}: ${inner.name}: ${inner.message}`);
      },
    );
    this.executions.set(executionArn, execution);
    this.runningArns.add(executionArn);
    return execution;
  }

  sendTaskSuccess(token: string, output: string): void {
    const waiter = this.takeWaiter(token);
    let parsed: Json;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new SfnApiError('InvalidOutput', 'Invalid output: not JSON');
    }
    waiter.resolve(parsed);
  }

  sendTaskFailure(token: string, error: string | undefined, cause: string | undefined): void {
    const waiter = this.takeWaiter(token);
    waiter.reject(new LambdaError(error || 'States.TaskFailed', cause ?? '', waiter.stateName));
  }

  sendTaskHeartbeat(token: string): void {
    if (!this.waiters.has(token)) throw new SfnApiError('TaskTimedOut', 'Task Timed Out');
  }

  private takeWaiter(token: string): Waiter {
    const waiter = this.waiters.get(token);
    if (!waiter) {
      throw new SfnApiError(
        this.issued.has(token) || token.startsWith(TOKEN_PREFIX) ? 'TaskTimedOut' : 'InvalidToken',
        this.issued.has(token) || token.startsWith(TOKEN_PREFIX) ? 'Task Timed Out' : 'Invalid Token',
      );
    }
    this.waiters.delete(token);
    this.issued.delete(token);
    if (waiter.sent) {
      const left = (this.sentTokens.get(waiter.executionArn) ?? 1) - 1;
      if (left > 0) this.sentTokens.set(waiter.executionArn, left);
      else this.sentTokens.delete(waiter.executionArn);
    }
    return waiter;
  }

  /**
   * Executions still running, and how many of them only wait on people: at least one task token handed out,
   * no task invocation in flight and none waiting to be retried after a throttle.
   */
  running(): { running: number; waitingOnPeople: number } {
    let waitingOnPeople = 0;
    for (const arn of this.runningArns) {
      if (
        (this.sentTokens.get(arn) ?? 0) > 0 &&
        (this.inflight.get(arn) ?? 0) === 0 &&
        (this.backingOff.get(arn)?.size ?? 0) === 0
      )
        waitingOnPeople += 1;
    }
    return { running: this.runningArns.size, waitingOnPeople };
  }

  /** Task tokens the executions wait on, with the state that issued them (for tests and the local CLI). */
  pendingTasks(): Array<{ executionArn: string; stateName: string }> {
    return [...this.waiters.values()]
      .filter((w) => w.sent)
      .map((w) => ({ executionArn: w.executionArn, stateName: w.stateName }));
  }

  async stop(): Promise<void> {
    // Settle the tasks waiting on people, so the interpreter clears their (long) timeout timers.
    for (const [token, waiter] of this.waiters) {
      this.waiters.delete(token);
      this.sentTokens.delete(waiter.executionArn);
      waiter.reject(new LambdaError('States.Runtime', 'The local runtime stopped', waiter.stateName));
    }
    for (const execution of this.executions.values()) {
      if (execution.status === 'RUNNING') {
        execution.abort();
        execution.status = 'ABORTED';
        this.runningArns.delete(execution.executionArn);
      }
    }
    await Promise.allSettled([...this.executions.values()].map((e) => e.done));
  }
}

/**
 * The retrier of a Task state that takes a task error, as the interpreter picks it: the first whose ErrorEquals
 * names the error, States.ALL or States.TaskFailed (ASL's default MaxAttempts is 3).
 */
function retrierFor(state: AslState, error: unknown): { index: number; maxAttempts: number } | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  const retriers = (state.Retry as Array<{ ErrorEquals: string[]; MaxAttempts?: number }> | undefined) ?? [];
  const index = retriers.findIndex((r) =>
    r.ErrorEquals.some((e) => e === name || e === 'States.ALL' || e === 'States.TaskFailed'),
  );
  const retrier = retriers[index];
  return retrier ? { index, maxAttempts: retrier.MaxAttempts ?? 3 } : undefined;
}

function unwrap(error: Error & { cause?: unknown }): Error {
  // The interpreter wraps the failing state's error in an ExecutionError whose cause is the original.
  if (error.name === 'ExecutionError' && error.cause instanceof Error) return unwrap(error.cause as Error);
  return error;
}

function findToken(value: Json, issued: Set<string>): string | undefined {
  if (typeof value === 'string') return issued.has(value) ? value : undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findToken(item, issued);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const item of Object.values(value)) {
      const found = findToken(item, issued);
      if (found) return found;
    }
  }
  return undefined;
}

function walkStates(definition: AslDefinition, visit: (name: string, state: AslState) => void): void {
  for (const [name, state] of Object.entries(definition.States)) {
    visit(name, state);
    const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    if (processor) walkStates(processor, visit);
    for (const branch of (state.Branches as AslDefinition[] | undefined) ?? []) walkStates(branch, visit);
  }
}
