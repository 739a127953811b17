/**
 * How the Logic stack refers to the Data stack: weak references (CDK's recommended
 * `@aws-cdk/core:defaultCrossStackReferences: "weak"`), i.e. `Fn::GetStackOutput` on plain outputs, no
 * CloudFormation exports. A strong reference (Export + Fn::ImportValue) makes CloudFormation refuse the day Logic
 * stops using a value or Data replaces an exported resource ("Export … cannot be updated as it is in use"); an
 * output read by Fn::GetStackOutput can change or go with a plain deploy of each stack, Data first.
 * A stage deployed with strong references moves in two deploys: `"both"` (exports kept, consumers switch), then
 * `"weak"`. The local runtime's template resolver reads Fn::GetStackOutput the way CloudFormation does.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type StackTemplate, TemplateResolver } from '../../local/template';
import { type BuiltApp, buildApp, cdkContext, type Json } from './support';

let built: BuiltApp;
beforeAll(() => {
  built = buildApp();
});

/** Every occurrence of an intrinsic function `name` in a template value. */
function occurrences(value: unknown, name: string, found: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const item of value) occurrences(item, name, found);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === name) found.push(item);
      occurrences(item, name, found);
    }
  }
  return found;
}

const asStack = (stackName: string, template: Json): StackTemplate => ({
  stackName,
  resources: (template.Resources ?? {}) as StackTemplate['resources'],
  outputs: (template.Outputs ?? {}) as StackTemplate['outputs'],
});

describe('references from the Logic stack to the Data stack', () => {
  it('are weak by the project setting', () => {
    expect((cdkContext as Record<string, unknown>)['@aws-cdk/core:defaultCrossStackReferences']).toBe('weak');
  });

  it('read Data outputs with Fn::GetStackOutput; no export, no Fn::ImportValue', () => {
    const logic = built.logicTemplate.toJSON();
    const data = built.dataTemplate.toJSON();
    expect(occurrences(logic, 'Fn::ImportValue')).toEqual([]);
    const outputs = data.Outputs as Record<string, { Export?: unknown }>;
    expect(Object.values(outputs).filter((output) => output.Export)).toEqual([]);

    const reads = occurrences(logic, 'Fn::GetStackOutput') as Array<{
      StackName: string;
      OutputName: string;
    }>;
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      expect(read.StackName).toBe(built.data.stackName);
      expect(Object.keys(outputs)).toContain(read.OutputName);
    }
  });

  it('resolve locally to the Data resources they name', () => {
    const data = asStack(built.data.stackName, built.dataTemplate.toJSON());
    const logic = asStack(built.logic.stackName, built.logicTemplate.toJSON());
    const resolver = new TemplateResolver([data, logic], {});
    const tableId = built.data.getLogicalId(built.data.table.node.defaultChild as never);
    const tableName = resolver.ref(data, tableId);

    const reads = occurrences(logic.resources, 'Fn::GetStackOutput');
    for (const read of reads) {
      expect(resolver.resolve(logic, { 'Fn::GetStackOutput': read })).toEqual(expect.any(String));
    }
    const functions = Object.values(logic.resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    const env = resolver.resolve(logic, functions[0]?.Properties?.Environment) as {
      Variables: Record<string, string>;
    };
    expect(env.Variables.TABLE_NAME).toBe(tableName);
    expect(() =>
      resolver.resolve(logic, { 'Fn::GetStackOutput': { StackName: 'Elsewhere', OutputName: 'X' } }),
    ).toThrow(/no stack named Elsewhere/);
  });
});
