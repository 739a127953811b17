/**
 * Structured logs and CloudWatch metrics for the Lambdas: one JSON line per entry on stdout, with the keys Powertools
 * Logger writes (level, message, timestamp, service, cold_start, function_*, xray_trace_id, correlation_id) and the
 * Embedded Metric Format Powertools Metrics writes (namespace POWERTOOLS_METRICS_NAMESPACE, dimension `service` =
 * POWERTOOLS_SERVICE_NAME), configured by the same variables, so dashboards, alarms and log queries read the same.
 *
 * Written here rather than taken from Powertools: Logger and Metrics with their commons are ~31 KiB of every bundle,
 * a quarter of what a function carries above the bare AWS SDK, for the few calls the handlers make (a level, extra
 * keys, an error's name, message and stack; a counter per event). See BENCHMARKS.md, "Lambdas against their floor".
 */
import type { Context } from 'aws-lambda';
import { traceHeaderFields } from './tracer';

/** Powertools' level names and order. */
const LEVELS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
type Level = keyof typeof LEVELS;

/** Lambda's own log level (advanced logging controls) first, then POWERTOOLS_LOG_LEVEL, LOG_LEVEL; INFO by default. */
function threshold(): number {
  const name = (
    process.env.AWS_LAMBDA_LOG_LEVEL ??
    process.env.POWERTOOLS_LOG_LEVEL ??
    process.env.LOG_LEVEL ??
    ''
  )
    .trim()
    .toUpperCase();
  return LEVELS[name as Level] ?? LEVELS.INFO;
}

/** An error as a log field: name, message, stack, cause and its own fields (e.g. an SDK error's `$metadata`). */
function errorFields(error: Error): Record<string, unknown> {
  const { name, message, stack, cause, ...own } = error as Error & Record<string, unknown>;
  return { name, message, stack, ...(cause === undefined ? {} : { cause }), ...own };
}

/** JSON that never throws: errors as fields, bigints as strings, a value met again on its own path as "[Circular]". */
function stringify(entry: Record<string, unknown>): string {
  const ancestors: object[] = [];
  return JSON.stringify(entry, function (this: unknown, _key, value: unknown) {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value !== 'object' || value === null) return value;
    while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
    if (ancestors.includes(value)) return '[Circular]';
    ancestors.push(value);
    if (!(value instanceof Error)) return value;
    const fields = errorFields(value);
    ancestors.push(fields);
    return fields;
  });
}

const traceId = () => traceHeaderFields(process.env._X_AMZN_TRACE_ID).get('Root');

export class Logger {
  /** Keys of the invocation in hand (its Lambda context), set by `startInvocation`. */
  private invocation: Record<string, unknown> = {};
  /** Keys appended during the invocation (`appendKeys`, `setCorrelationId`), cleared by the next one. */
  private keys: Record<string, unknown> = {};

  /** A new invocation: its context's keys, none of the previous one's appended keys. */
  startInvocation(context: Context, coldStart: boolean): void {
    this.invocation = {
      cold_start: coldStart,
      function_arn: context.invokedFunctionArn,
      function_memory_size: context.memoryLimitInMB,
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
    };
    this.keys = {};
  }

  appendKeys(keys: Record<string, unknown>): void {
    Object.assign(this.keys, keys);
  }

  setCorrelationId(id: string): void {
    this.keys.correlation_id = id;
  }

  debug(message: string, extra?: Record<string, unknown> | Error): void {
    this.write('DEBUG', message, extra);
  }

  info(message: string, extra?: Record<string, unknown> | Error): void {
    this.write('INFO', message, extra);
  }

  warn(message: string, extra?: Record<string, unknown> | Error): void {
    this.write('WARN', message, extra);
  }

  error(message: string, extra?: Record<string, unknown> | Error): void {
    this.write('ERROR', message, extra);
  }

  private write(level: Level, message: string, extra: Record<string, unknown> | Error | undefined): void {
    if (LEVELS[level] < threshold()) return;
    const timestamp = new Date().toISOString();
    const entry = {
      level,
      message,
      timestamp,
      service: process.env.POWERTOOLS_SERVICE_NAME ?? 'service_undefined',
      ...this.invocation,
      xray_trace_id: traceId(),
      ...this.keys,
      ...(extra instanceof Error ? { error: extra } : extra),
    };
    // An extra key never replaces the line's own level, message or time.
    Object.assign(entry, { level, message, timestamp });
    process.stdout.write(`${stringify(entry)}\n`);
  }
}

/** The units the handlers record. */
export type MetricUnit = 'Count' | 'Milliseconds';

/** CloudWatch takes at most 100 metrics per EMF document and 100 values per metric. */
const MAX_EMF = 100;

export class Metrics {
  private stored = new Map<string, { unit: MetricUnit; values: number[] }>();

  /** Records a value; a metric recorded again in the same invocation keeps every value. */
  addMetric(name: string, unit: MetricUnit, value: number): void {
    const metric = this.stored.get(name) ?? { unit, values: [] };
    metric.values.push(value);
    this.stored.set(name, metric);
    if (metric.values.length >= MAX_EMF || this.stored.size >= MAX_EMF) this.publishStoredMetrics();
  }

  hasStoredMetrics(): boolean {
    return this.stored.size > 0;
  }

  /** Writes the stored metrics as one EMF document (nothing with POWERTOOLS_METRICS_DISABLED=true) and forgets them. */
  publishStoredMetrics(): void {
    const stored = [...this.stored];
    this.stored.clear();
    if (stored.length === 0 || process.env.POWERTOOLS_METRICS_DISABLED?.toLowerCase() === 'true') return;
    const document: Record<string, unknown> = {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'default_namespace',
            Dimensions: [['service']],
            Metrics: stored.map(([Name, { unit }]) => ({ Name, Unit: unit })),
          },
        ],
      },
      service: process.env.POWERTOOLS_SERVICE_NAME ?? 'service_undefined',
    };
    for (const [name, { values }] of stored) document[name] = values.length === 1 ? values[0] : values;
    process.stdout.write(`${JSON.stringify(document)}\n`);
  }
}
