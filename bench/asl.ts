/**
 * Walks a state machine definition (Amazon States Language, JSONPath) along one path and counts the states
 * it enters: what Step Functions Standard bills as state transitions. The path is chosen by data, not typed
 * in: a scenario gives the execution input and the result of each Task state, and the walk applies ResultPath,
 * evaluates the Choice rules and iterates a Map over its items, exactly as the definition says. A Map state
 * counts once, plus its iterator's states once per item.
 *
 * Hand-written rather than run in an interpreter because it must also stop where a task waits on a person
 * (`waitsAt`) and report where it stopped; it covers the JSONPath subset the definitions here use ($, $.a.b)
 * and throws AslWalkError on anything else, so a new construct cannot be miscounted silently.
 */

export type Json = unknown;

export interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  ItemSelector?: Record<string, unknown>;
  InputPath?: string | null;
  OutputPath?: string | null;
  ResultPath?: string | null;
  Result?: Json;
  Choices?: ChoiceRule[];
  Default?: string;
  ItemsPath?: string;
  ItemProcessor?: AslDefinition;
  Iterator?: AslDefinition;
  Branches?: AslDefinition[];
  [key: string]: unknown;
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
}

type ChoiceRule = Record<string, unknown> & { Next?: string };

export interface PathScenario {
  name: string;
  input: Json;
  /**
   * The result of each Task state, by state name, applied at the state's ResultPath. A state whose result is
   * discarded (ResultPath null) may be left out.
   */
  results: Record<string, Json>;
  /** Task states that wait on a person in this scenario: entered, then the branch stops there. */
  waitsAt?: string[];
}

export interface PathCount {
  scenario: string;
  /** States entered, Map and Parallel states included, iterations multiplied. */
  transitions: number;
  /** States entered per state name. */
  entered: Record<string, number>;
  /** Task states entered per state name (what the local runtime counts in `sfn.transitions`). */
  tasks: Record<string, number>;
  /** Where the walk ended: a Succeed or Fail state's name, or `waiting` when a task waits on a person. */
  ended: string;
  /** The states in the order they were entered (Map iterations as `Map[i]/State`). */
  trail: string[];
}

export class AslWalkError extends Error {
  override name = 'AslWalkError';
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function segments(path: string): string[] {
  if (path === '$') return [];
  if (!/^\$(\.[A-Za-z0-9_-]+)+$/.test(path))
    throw new AslWalkError(`JSONPath "${path}" is outside the walked subset`);
  return path.slice(2).split('.');
}

export function getPath(data: Json, path: string): Json {
  let current: Json = data;
  for (const key of segments(path)) {
    if (!isObject(current) || !(key in current)) return undefined;
    current = current[key];
  }
  return current;
}

function setPath(data: Json, path: string, value: Json): Json {
  const keys = segments(path);
  if (keys.length === 0) return value;
  const root: Record<string, unknown> = isObject(data) ? structuredClone(data) : {};
  let current = root;
  for (const [i, key] of keys.entries()) {
    if (i === keys.length - 1) current[key] = value;
    else {
      const next = current[key];
      current[key] = isObject(next) ? next : {};
      current = current[key] as Record<string, unknown>;
    }
  }
  return root;
}

/** Parameters / ItemSelector: keys ending in `.$` take the value at a path of the input (or `$$.` context). */
function resolveTemplate(template: Json, input: Json, context: Record<string, Json>): Json {
  if (Array.isArray(template)) return template.map((item) => resolveTemplate(item, input, context));
  if (!isObject(template)) return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      const name = key.slice(0, -2);
      if (value.startsWith('$$.')) out[name] = context[value] ?? `<${value}>`;
      else if (value.startsWith('$')) out[name] = getPath(input, value);
      else out[name] = `<${value}>`; // intrinsic function: its value does not steer the path
    } else out[key] = resolveTemplate(value, input, context);
  }
  return out;
}

function applyResult(state: AslState, rawInput: Json, result: Json): Json {
  let output: Json;
  if (state.ResultPath === null) output = rawInput;
  else output = setPath(rawInput, state.ResultPath ?? '$', result);
  if (state.OutputPath === null) return {};
  return state.OutputPath ? getPath(output, state.OutputPath) : output;
}

function effectiveInput(state: AslState, input: Json): Json {
  if (state.InputPath === null) return {};
  return state.InputPath ? getPath(input, state.InputPath) : input;
}

const COMPARATORS: Record<string, (actual: unknown, expected: unknown) => boolean> = {
  BooleanEquals: (a, e) => a === e,
  StringEquals: (a, e) => a === e,
  NumericEquals: (a, e) => typeof a === 'number' && a === e,
  NumericGreaterThan: (a, e) => typeof a === 'number' && a > (e as number),
  NumericGreaterThanEquals: (a, e) => typeof a === 'number' && a >= (e as number),
  NumericLessThan: (a, e) => typeof a === 'number' && a < (e as number),
  NumericLessThanEquals: (a, e) => typeof a === 'number' && a <= (e as number),
  IsPresent: (a, e) => (a !== undefined) === e,
  IsNull: (a, e) => (a === null) === e,
  IsBoolean: (a, e) => (typeof a === 'boolean') === e,
  IsString: (a, e) => (typeof a === 'string') === e,
  IsNumeric: (a, e) => (typeof a === 'number') === e,
};

export function evaluateRule(rule: Record<string, unknown>, data: Json): boolean {
  if (Array.isArray(rule.And))
    return (rule.And as Record<string, unknown>[]).every((r) => evaluateRule(r, data));
  if (Array.isArray(rule.Or))
    return (rule.Or as Record<string, unknown>[]).some((r) => evaluateRule(r, data));
  if (isObject(rule.Not)) return !evaluateRule(rule.Not, data);
  const variable = rule.Variable;
  if (typeof variable !== 'string')
    throw new AslWalkError(`Choice rule without Variable: ${JSON.stringify(rule)}`);
  const actual = getPath(data, variable);
  for (const [operator, compare] of Object.entries(COMPARATORS)) {
    if (operator in rule) return compare(actual, rule[operator]);
  }
  const known = Object.keys(rule).filter((k) => k !== 'Variable' && k !== 'Next');
  throw new AslWalkError(`Choice operator ${known.join(', ')} is outside the walked subset`);
}

interface WalkState {
  scenario: PathScenario;
  count: PathCount;
  steps: number;
  maxSteps: number;
}

/** Runs one (sub)definition; returns the output, or `waiting` when a task waits on a person. */
function run(
  definition: AslDefinition,
  input: Json,
  walk: WalkState,
  prefix: string,
): { output: Json; ended: string } {
  let name: string | undefined = definition.StartAt;
  let data = input;
  while (name) {
    const state: AslState | undefined = definition.States[name];
    if (!state) throw new AslWalkError(`State "${name}" is not in the definition`);
    walk.steps += 1;
    if (walk.steps > walk.maxSteps)
      throw new AslWalkError(`The path did not end within ${walk.maxSteps} states`);
    const { count } = walk;
    count.transitions += 1;
    count.entered[name] = (count.entered[name] ?? 0) + 1;
    count.trail.push(`${prefix}${name}`);
    switch (state.Type) {
      case 'Task': {
        count.tasks[name] = (count.tasks[name] ?? 0) + 1;
        if (walk.scenario.waitsAt?.includes(name)) return { output: data, ended: 'waiting' };
        if (name in walk.scenario.results) data = applyResult(state, data, walk.scenario.results[name]);
        else if (state.ResultPath !== null) {
          // A result that is kept may steer a later Choice: the scenario must say what it is.
          throw new AslWalkError(
            `Scenario "${walk.scenario.name}" gives no result for the Task state ${name}`,
          );
        }
        break;
      }
      case 'Pass': {
        const result =
          'Result' in state
            ? state.Result
            : state.Parameters
              ? resolveTemplate(state.Parameters, effectiveInput(state, data), {})
              : effectiveInput(state, data);
        data = applyResult(state, data, result);
        break;
      }
      case 'Choice': {
        const matched: ChoiceRule | undefined = (state.Choices ?? []).find((rule) =>
          evaluateRule(rule, data),
        );
        const next: string | undefined = matched?.Next ?? state.Default;
        if (!next) throw new AslWalkError(`Choice ${name}: no rule matched and there is no Default`);
        name = next;
        continue;
      }
      case 'Map': {
        const processor = state.ItemProcessor ?? state.Iterator;
        if (!processor) throw new AslWalkError(`Map ${name} has no ItemProcessor`);
        const items = getPath(effectiveInput(state, data), state.ItemsPath ?? '$');
        if (!Array.isArray(items)) throw new AslWalkError(`Map ${name}: ItemsPath does not select an array`);
        const outputs: Json[] = [];
        let waiting = false;
        for (const [index, item] of items.entries()) {
          const selector = state.ItemSelector ?? state.Parameters;
          const itemInput = selector
            ? resolveTemplate(selector, data, { '$$.Map.Item.Value': item, '$$.Map.Item.Index': index })
            : item;
          const result = run(processor, itemInput, walk, `${prefix}${name}[${index}]/`);
          if (result.ended === 'waiting') waiting = true;
          outputs.push(result.output);
        }
        if (waiting) return { output: data, ended: 'waiting' };
        data = applyResult(state, data, outputs);
        break;
      }
      case 'Parallel': {
        const outputs: Json[] = [];
        let waiting = false;
        for (const [index, branch] of (state.Branches ?? []).entries()) {
          const result = run(branch, effectiveInput(state, data), walk, `${prefix}${name}{${index}}/`);
          if (result.ended === 'waiting') waiting = true;
          outputs.push(result.output);
        }
        if (waiting) return { output: data, ended: 'waiting' };
        data = applyResult(state, data, outputs);
        break;
      }
      case 'Wait':
        break;
      case 'Succeed':
      case 'Fail':
        return { output: data, ended: name };
      default:
        throw new AslWalkError(`State type ${state.Type} (${name}) is outside the walked subset`);
    }
    if (state.End) return { output: data, ended: name };
    name = state.Next;
  }
  throw new AslWalkError('A state has neither Next nor End');
}

/** Walks `definition` along the path the scenario's data takes and counts the states entered. */
export function walkPath(definition: AslDefinition, scenario: PathScenario, maxSteps = 10_000): PathCount {
  const walk: WalkState = {
    scenario,
    count: { scenario: scenario.name, transitions: 0, entered: {}, tasks: {}, ended: '', trail: [] },
    steps: 0,
    maxSteps,
  };
  walk.count.ended = run(definition, scenario.input, walk, '').ended;
  return walk.count;
}

/** Every Task state of a definition (Map and Parallel bodies included) with its state object. */
export function taskStates(definition: AslDefinition): Array<{ name: string; state: AslState }> {
  const out: Array<{ name: string; state: AslState }> = [];
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Task') out.push({ name, state });
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) out.push(...taskStates(processor));
    for (const branch of state.Branches ?? []) out.push(...taskStates(branch));
  }
  return out;
}

/** The Lambda function a Task state calls: its Resource ARN, or Parameters.FunctionName for lambda:invoke. */
export function taskFunction(state: AslState): string | undefined {
  if (state.Resource?.startsWith('arn:aws:lambda:')) return state.Resource;
  const fn = state.Parameters?.FunctionName;
  return typeof fn === 'string' ? fn : undefined;
}
