/** Builds the CDK app as `cdk synth` does (cdk.json context), without bundling, and reads its templates. */
import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../infra/create-app';

const ROOT = new URL('../../', import.meta.url);

export const cdkContext = (JSON.parse(readFileSync(new URL('cdk.json', ROOT), 'utf8')) as { context: object })
  .context;

export type Json = Record<string, unknown>;

export interface BuiltApp extends ReturnType<typeof createApp> {
  dataTemplate: Template;
  logicTemplate: Template;
}

/** The app's construct tree only (synthesis happens on demand); cdk-nag off unless asked for. */
export function newApp(context: Record<string, unknown> = {}): ReturnType<typeof createApp> {
  return createApp({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], nag: false, ...context } });
}

export function buildApp(context: Record<string, unknown> = {}): BuiltApp {
  const built = newApp(context);
  return {
    ...built,
    dataTemplate: Template.fromStack(built.data),
    logicTemplate: Template.fromStack(built.logic),
  };
}

export function readSource(path: string): string {
  return readFileSync(new URL(path, ROOT), 'utf8');
}

/** Placeholder values for intrinsic references, so that a template string (ASL, dashboard body) can be parsed. */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const node = value as Json;
    if ('Fn::Join' in node) {
      const [delimiter, parts] = node['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(delimiter);
    }
    if ('Ref' in node) {
      const ref = String(node.Ref);
      const pseudo: Record<string, string> = {
        'AWS::Partition': 'aws',
        'AWS::Region': 'ap-southeast-3',
        'AWS::AccountId': '111122223333',
        'AWS::URLSuffix': 'amazonaws.com',
      };
      return pseudo[ref] ?? `<${ref}>`;
    }
    if ('Fn::GetAtt' in node) {
      const [logicalId, attribute] = node['Fn::GetAtt'] as [string, string];
      return attribute === 'Arn'
        ? `arn:aws:lambda:ap-southeast-3:111122223333:function:${logicalId}`
        : `<${logicalId}.${attribute}>`;
    }
    if ('Fn::ImportValue' in node) return `<import:${render(node['Fn::ImportValue'])}>`;
    if ('Fn::GetStackOutput' in node) {
      const { StackName, OutputName } = node['Fn::GetStackOutput'] as {
        StackName: unknown;
        OutputName: unknown;
      };
      return `<output:${render(StackName)}.${render(OutputName)}>`;
    }
  }
  throw new Error(`Cannot render ${JSON.stringify(value)}`);
}

export function resourcesOfType(template: Template, type: string): [string, Json][] {
  return Object.entries(template.findResources(type)) as [string, Json][];
}

export function properties(resource: Json): Json {
  return (resource.Properties ?? {}) as Json;
}

export const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Symbolic form of a value for IAM assertions: `<Logical.Attr>`, `<Ref>`, `import:<export name>`,
 * `output:<output name>` (a weak cross-stack reference, Fn::GetStackOutput).
 */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = (value ?? {}) as Json;
  if ('Fn::Join' in node) {
    const [delimiter, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(flatten).join(delimiter);
  }
  if ('Ref' in node) return `<${String(node.Ref)}>`;
  if ('Fn::GetAtt' in node) return `<${(node['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::ImportValue' in node) return `import:${flatten(node['Fn::ImportValue'])}`;
  if ('Fn::GetStackOutput' in node) {
    return `output:${flatten((node['Fn::GetStackOutput'] as { OutputName: unknown }).OutputName)}`;
  }
  throw new Error(`Cannot flatten ${JSON.stringify(value)}`);
}

/** The export name under which a stack shares `value` (e.g. `{ 'Fn::GetAtt': [table, 'Arn'] }`). */
export function exportNameOf(template: Template, value: unknown): string {
  const outputs = (template.toJSON().Outputs ?? {}) as Record<
    string,
    { Value: unknown; Export?: { Name: string } }
  >;
  const found = Object.values(outputs).find(
    (output) => JSON.stringify(output.Value) === JSON.stringify(value) && output.Export,
  );
  if (!found?.Export) throw new Error(`No export of ${JSON.stringify(value)}`);
  return found.Export.Name;
}

/** The output by which a stack publishes `value` for a weak cross-stack reference (read with Fn::GetStackOutput). */
export function outputNameOf(template: Template, value: unknown): string {
  const outputs = (template.toJSON().Outputs ?? {}) as Record<string, { Value: unknown }>;
  const found = Object.entries(outputs).find(
    ([name, output]) =>
      name.startsWith('PublishOutput') && JSON.stringify(output.Value) === JSON.stringify(value),
  );
  if (!found) throw new Error(`No published output of ${JSON.stringify(value)}`);
  return found[0];
}
