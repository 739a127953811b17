/**
 * A small evaluator of DynamoDB condition, key-condition and update expressions, over plain JS items (the
 * DocumentClient's view). It lets the handler tests run against an in-memory table that accepts and refuses
 * writes the way DynamoDB does, so a test asserts what the handler sent and what a user would see, not how
 * often it called `send`.
 *
 * Hand-written because no maintained package evaluates these expressions in memory (the emulators that do
 * are servers); it covers the subset the project's code writes: comparisons, IN, AND/OR/NOT, parentheses,
 * attribute_exists/attribute_not_exists/begins_with/contains/size, SET with +/- , if_not_exists and
 * list_append, REMOVE and ADD (numbers). Anything else is refused loudly rather than guessed.
 */

export type Item = Record<string, unknown>;

export interface ExpressionContext {
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

type Token =
  | { kind: 'name'; text: string }
  | { kind: 'value'; text: string }
  | { kind: 'word'; text: string }
  | { kind: 'op'; text: string };

export class ExpressionError extends Error {
  override name = 'ExpressionError';
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|<>|[=<>(),+-]))/y;
  let at = 0;
  while (at < expression.length) {
    if (/^\s*$/.test(expression.slice(at))) break;
    pattern.lastIndex = at;
    const match = pattern.exec(expression);
    if (!match) throw new ExpressionError(`Cannot read "${expression.slice(at)}" in ${expression}`);
    at = pattern.lastIndex;
    if (match[1]) tokens.push({ kind: 'name', text: match[1] });
    else if (match[2]) tokens.push({ kind: 'value', text: match[2] });
    else if (match[3]) tokens.push({ kind: 'word', text: match[3] });
    else if (match[4]) tokens.push({ kind: 'op', text: match[4] });
  }
  return tokens;
}

const FUNCTIONS = new Set([
  'attribute_exists',
  'attribute_not_exists',
  'begins_with',
  'contains',
  'size',
  'if_not_exists',
  'list_append',
]);

type Operand =
  | { kind: 'path'; name: string }
  | { kind: 'value'; value: unknown }
  | { kind: 'call'; fn: string; args: Operand[] }
  | { kind: 'arith'; op: '+' | '-'; left: Operand; right: Operand };

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly context: ExpressionContext,
    private readonly source: string,
  ) {}

  done(): boolean {
    return this.at >= this.tokens.length;
  }

  /** Consumes and returns an update clause keyword (SET, REMOVE, ADD, DELETE) when one comes next. */
  clauseWord(): string | undefined {
    const token = this.peek();
    const word = token?.kind === 'word' ? token.text.toUpperCase() : undefined;
    if (word !== 'SET' && word !== 'REMOVE' && word !== 'ADD' && word !== 'DELETE') return undefined;
    this.at++;
    return word;
  }

  skipComma(): void {
    if (this.isOp(',')) this.at++;
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private next(): Token {
    const token = this.tokens[this.at++];
    if (!token) throw new ExpressionError(`Unexpected end of ${this.source}`);
    return token;
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token?.kind === 'word' && token.text.toUpperCase() === word;
  }

  private isOp(op: string): boolean {
    const token = this.peek();
    return token?.kind === 'op' && token.text === op;
  }

  expect(op: string): void {
    const token = this.next();
    if (token.kind !== 'op' || token.text !== op) {
      throw new ExpressionError(`Expected "${op}" but found "${token.text}" in ${this.source}`);
    }
  }

  private attributeName(token: Token): string {
    if (token.kind === 'name') {
      const name = this.context.names?.[token.text];
      if (name === undefined) throw new ExpressionError(`Undefined name ${token.text} in ${this.source}`);
      return name;
    }
    if (token.kind === 'word') return token.text;
    throw new ExpressionError(`Expected an attribute but found "${token.text}" in ${this.source}`);
  }

  path(): string {
    return this.attributeName(this.next());
  }

  operand(): Operand {
    const token = this.next();
    if (token.kind === 'value') {
      if (!this.context.values || !(token.text in this.context.values)) {
        throw new ExpressionError(`Undefined value ${token.text} in ${this.source}`);
      }
      return { kind: 'value', value: this.context.values[token.text] };
    }
    if (token.kind === 'word' && FUNCTIONS.has(token.text) && this.isOp('(')) {
      this.expect('(');
      const args: Operand[] = [this.operand()];
      while (this.isOp(',')) {
        this.next();
        args.push(this.operand());
      }
      this.expect(')');
      return { kind: 'call', fn: token.text, args };
    }
    return { kind: 'path', name: this.attributeName(token) };
  }

  /** Right-hand side of a SET action: an operand, optionally `+`/`-` another one. */
  setValue(): Operand {
    const left = this.operand();
    if (this.isOp('+') || this.isOp('-')) {
      const op = this.next().text as '+' | '-';
      return { kind: 'arith', op, left, right: this.operand() };
    }
    return left;
  }

  condition(item: Item): boolean {
    let result = this.conjunction(item);
    while (this.isWord('OR')) {
      this.next();
      const right = this.conjunction(item);
      result = result || right;
    }
    return result;
  }

  private conjunction(item: Item): boolean {
    let result = this.negation(item);
    while (this.isWord('AND')) {
      this.next();
      const right = this.negation(item);
      result = result && right;
    }
    return result;
  }

  private negation(item: Item): boolean {
    if (this.isWord('NOT')) {
      this.next();
      return !this.negation(item);
    }
    return this.primary(item);
  }

  private primary(item: Item): boolean {
    if (this.isOp('(')) {
      this.next();
      const result = this.condition(item);
      this.expect(')');
      return result;
    }
    const left = this.operand();
    if (left.kind === 'call' && left.fn !== 'size') return Boolean(evaluate(left, item));
    if (this.isWord('IN')) {
      this.next();
      this.expect('(');
      const options = [this.operand()];
      while (this.isOp(',')) {
        this.next();
        options.push(this.operand());
      }
      this.expect(')');
      const value = evaluate(left, item);
      return options.some((option) => same(value, evaluate(option, item)));
    }
    const op = this.next();
    if (op.kind !== 'op')
      throw new ExpressionError(`Expected a comparison but found "${op.text}" in ${this.source}`);
    const a = evaluate(left, item);
    const b = evaluate(this.operand(), item);
    switch (op.text) {
      case '=':
        return same(a, b);
      case '<>':
        return a !== undefined && !same(a, b);
      case '<':
        return comparable(a, b) && (a as number) < (b as number);
      case '<=':
        return comparable(a, b) && (a as number) <= (b as number);
      case '>':
        return comparable(a, b) && (a as number) > (b as number);
      case '>=':
        return comparable(a, b) && (a as number) >= (b as number);
      default:
        throw new ExpressionError(`Unsupported operator "${op.text}" in ${this.source}`);
    }
  }
}

function same(a: unknown, b: unknown): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

function comparable(a: unknown, b: unknown): boolean {
  return (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
}

function evaluate(operand: Operand, item: Item): unknown {
  switch (operand.kind) {
    case 'value':
      return operand.value;
    case 'path':
      return item[operand.name];
    case 'arith': {
      const left = evaluate(operand.left, item);
      const right = evaluate(operand.right, item);
      if (typeof left !== 'number' || typeof right !== 'number') {
        throw new ExpressionError('An operand used in the update expression has the wrong data type');
      }
      return operand.op === '+' ? left + right : left - right;
    }
    case 'call': {
      const [first, second] = operand.args;
      const name = first?.kind === 'path' ? first.name : undefined;
      switch (operand.fn) {
        case 'attribute_exists':
          return name !== undefined && item[name] !== undefined;
        case 'attribute_not_exists':
          return name !== undefined && item[name] === undefined;
        case 'begins_with': {
          const value = first ? evaluate(first, item) : undefined;
          const prefix = second ? evaluate(second, item) : undefined;
          return typeof value === 'string' && typeof prefix === 'string' && value.startsWith(prefix);
        }
        case 'contains': {
          const value = first ? evaluate(first, item) : undefined;
          const part = second ? evaluate(second, item) : undefined;
          if (typeof value === 'string' && typeof part === 'string') return value.includes(part);
          return Array.isArray(value) && value.some((v) => same(v, part));
        }
        case 'size': {
          const value = first ? evaluate(first, item) : undefined;
          if (typeof value === 'string' || Array.isArray(value)) return value.length;
          return value && typeof value === 'object' ? Object.keys(value).length : undefined;
        }
        case 'if_not_exists': {
          const value = first ? evaluate(first, item) : undefined;
          return value !== undefined ? value : second ? evaluate(second, item) : undefined;
        }
        case 'list_append': {
          const a = first ? evaluate(first, item) : undefined;
          const b = second ? evaluate(second, item) : undefined;
          if (!Array.isArray(a) || !Array.isArray(b))
            throw new ExpressionError('list_append needs two lists');
          return [...a, ...b];
        }
        default:
          throw new ExpressionError(`Unsupported function ${operand.fn}`);
      }
    }
  }
}

/** Whether `item` (undefined when absent) satisfies a condition or key-condition expression. */
export function matches(
  expression: string | undefined,
  item: Item | undefined,
  context: ExpressionContext,
): boolean {
  if (!expression) return true;
  const parser = new Parser(tokenize(expression), context, expression);
  const result = parser.condition(item ?? {});
  if (!parser.done()) throw new ExpressionError(`Trailing text in ${expression}`);
  return result;
}

/** The item after an update expression (a new object; `item` is left as it was). */
export function applyUpdate(expression: string, item: Item, context: ExpressionContext): Item {
  const parser = new Parser(tokenize(expression), context, expression);
  const next: Item = structuredClone(item);
  // Clauses come in order; each clause keyword starts a comma-separated list of actions. Values are read
  // from the item as it was before the update, as DynamoDB does.
  let clause: string | undefined;
  while (!parser.done()) {
    const word = parser.clauseWord();
    if (word) {
      clause = word;
      continue;
    }
    if (clause === 'SET') {
      const name = parser.path();
      parser.expect('=');
      next[name] = structuredClone(evaluate(parser.setValue(), item));
    } else if (clause === 'REMOVE') {
      delete next[parser.path()];
    } else if (clause === 'ADD') {
      const name = parser.path();
      const value = evaluate(parser.operand(), item);
      const current = next[name] ?? 0;
      if (typeof value !== 'number' || typeof current !== 'number') {
        throw new ExpressionError(`ADD supports numbers only in ${expression}`);
      }
      next[name] = current + value;
    } else {
      throw new ExpressionError(`Unsupported clause ${clause ?? '(none)'} in ${expression}`);
    }
    parser.skipComma();
  }
  return next;
}
