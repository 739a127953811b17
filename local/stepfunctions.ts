/**
 * Runs the synthesized state machine with aws-local-stepfunctions. The interpreter only calls Lambda through the
 * real SDK and has no task tokens, so this adapter maps each Task state (by name) to the local Lambda host and
 * implements `.waitForTaskToken`: it issues a token through the Context Object, and the execution waits until
 * SendTaskSuccess / SendTaskFailure arrives on the local Step Functions API.
 */
import { randomBytes } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { LambdaError } from './lambdas';

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

export interface LocalStepFunctionsOptions {
  invokeLambda: (arn: string, payload: Json) => Promise<Json>;
  onLog?: (line: string) => void;
}

interface Waiter {
  executionArn: string;
  stateName: string;
  resolve: (value: Json) => void;
  reject: (error: Error) => void;
}

export class LocalStepFunctions {
  private readonly machines = new Map<string, { definition: AslDefinition; clamped: string[] }>();
  readonly executions = new Map<string, LocalExecution>();
  /** Tokens issued through the Context Object and not yet spent. */
  private readonly issued = new Set<string>();
  private readonly waiters = new Map<string, Waiter>();
  /** Counts of state transitions per state name (for cost estimates). */
  readonly transitions = new Map<string, number>();

  constructor(private readonly options: LocalStepFunctionsOptions) {}

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
    this.machines.set(stateMachineArn, { definition: copy, clamped });
    return clamped;
  }

  private overrides(definition: AslDefinition): Record<string, (input: Json) => Promise<Json>> {
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    walkStates(definition, (name, state) => {
      if (state.Type !== 'Task' || !state.Resource) return;
      handlers[name] = (input) => this.runTask(name, state.Resource as string, input);
    });
    return handlers;
  }

  private async runTask(stateName: string, resource: string, input: Json): Promise<Json> {
    this.transitions.set(stateName, (this.transitions.get(stateName) ?? 0) + 1);
    if (resource.startsWith('arn:aws:lambda:')) return this.options.invokeLambda(resource, input);
    if (resource === 'arn:aws:states:::lambda:invoke') {
      const { FunctionName, Payload } = input as { FunctionName: string; Payload: Json };
      const result = await this.options.invokeLambda(FunctionName, Payload);
      return { Payload: result, StatusCode: 200, ExecutedVersion: '$LATEST' };
    }
    if (resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') {
      const { FunctionName, Payload } = input as { FunctionName: string; Payload: Json };
      const token = findToken(Payload, this.issued);
      if (!token) throw new SfnApiError('States.Runtime', `${stateName}: the payload carries no task token`);
      const waiting = new Promise<Json>((resolve, reject) => {
        this.waiters.set(token, { executionArn: '', stateName, resolve, reject });
      });
      try {
        await this.options.invokeLambda(FunctionName, Payload);
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
    if (!machine) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
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
    const sm = new StateMachine(machine.definition as never, { validationOptions: { checkArn: false, checkPaths: false } });
    const run = sm.run(parsed as never, {
      overrides: { taskResourceLocalHandlers: this.overrides(machine.definition) as never },
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
    execution.done = run.result.then(
      (output: Json) => {
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(output ?? null);
        execution.stopDate = new Date();
      },
      (error: Error & { cause?: unknown }) => {
        const inner = unwrap(error);
        execution.status = inner.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED';
        execution.error = inner.name;
        execution.cause = inner.message;
        execution.stopDate = new Date();
        this.options.onLog?.(`[StepFunctions] ${name} ${execution.status}: ${inner.name}: ${inner.message}`);
      },
    );
    this.executions.set(executionArn, execution);
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
    return waiter;
  }

  /** Executions still running, and how many of them wait on a task token (a person). */
  running(): { running: number; waitingOnPeople: number } {
    const running = [...this.executions.values()].filter((e) => e.status === 'RUNNING').length;
    return { running, waitingOnPeople: this.waiters.size };
  }

  async stop(): Promise<void> {
    for (const execution of this.executions.values()) {
      if (execution.status === 'RUNNING') {
        execution.abort();
        execution.status = 'ABORTED';
      }
    }
    await Promise.allSettled([...this.executions.values()].map((e) => e.done));
  }
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
