/**
 * Reads the synthesized CloudFormation templates and resolves intrinsic functions (Ref, Fn::GetAtt, Fn::Join,
 * Fn::Sub, Fn::Select, Fn::Split, Fn::ImportValue, Fn::GetStackOutput) to local names and ARNs, so the local runtime
 * can create what the templates declare and give each Lambda the environment the template gives it. The Logic
 * stack reads the Data stack's values with Fn::GetStackOutput (CDK's weak cross-stack references).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface StackTemplate {
  stackName: string;
  resources: Record<string, Resource>;
  outputs: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
  /** The template's top-level Metadata (the Logic stack carries its competition profile there). */
  metadata?: Record<string, unknown>;
}

/** Loads every stack of a cloud assembly folder (cdk.out). */
export function loadAssembly(outdir: string): StackTemplate[] {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const stacks: StackTemplate[] = [];
  for (const [name, artifact] of Object.entries(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const template = JSON.parse(readFileSync(join(outdir, artifact.properties.templateFile), 'utf8'));
    stacks.push({
      stackName: name,
      resources: template.Resources ?? {},
      outputs: template.Outputs ?? {},
      metadata: template.Metadata,
    });
  }
  return stacks;
}

/** Local physical names: what CloudFormation would generate, made readable and deterministic. */
function physicalName(stack: StackTemplate, logicalId: string, resource: Resource): string {
  const props = resource.Properties ?? {};
  const short = `${stack.stackName}-${logicalId}`.replace(/[^A-Za-z0-9-]/g, '-');
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table':
      return (props.TableName as string | undefined) ?? short;
    case 'AWS::S3::Bucket':
      return ((props.BucketName as string | undefined) ?? short.toLowerCase())
        .slice(0, 63)
        .replace(/-+$/, '');
    case 'AWS::SQS::Queue':
      return (props.QueueName as string | undefined) ?? short;
    case 'AWS::Lambda::Function':
      return (props.FunctionName as string | undefined) ?? short.slice(0, 64);
    case 'AWS::StepFunctions::StateMachine':
      return (props.StateMachineName as string | undefined) ?? short;
    case 'AWS::SecretsManager::Secret':
      return (props.Name as string | undefined) ?? short;
    default:
      return short;
  }
}

export interface ResolverOptions {
  /** Local URL that stands for the HTTP API's endpoint (e.g. http://127.0.0.1:4567). */
  apiEndpoint?: string;
  /** Local URL that stands for SQS queue URLs. */
  queueEndpoint?: string;
}

export class TemplateResolver {
  readonly stacks: StackTemplate[];
  constructor(
    stacks: StackTemplate[],
    readonly options: ResolverOptions = {},
  ) {
    this.stacks = stacks;
  }

  stack(name: string): StackTemplate {
    const found = this.stacks.find((s) => s.stackName === name);
    if (!found) throw new Error(`No stack ${name} in the assembly`);
    return found;
  }

  /** Every resource of a type, across stacks. */
  resourcesOfType(type: string): Array<{ stack: StackTemplate; logicalId: string; resource: Resource }> {
    return this.stacks.flatMap((stack) =>
      Object.entries(stack.resources)
        .filter(([, resource]) => resource.Type === type)
        .map(([logicalId, resource]) => ({ stack, logicalId, resource })),
    );
  }

  /** The resource of a type whose local ARN is `arn`, if the templates declare one. */
  findByArn(type: string, arn: string) {
    return this.resourcesOfType(type).find(
      ({ stack, logicalId }) => this.arn(type, this.name(stack, logicalId)) === arn,
    );
  }

  name(stack: StackTemplate, logicalId: string): string {
    const resource = stack.resources[logicalId];
    if (!resource) throw new Error(`No resource ${logicalId} in ${stack.stackName}`);
    return physicalName(stack, logicalId, resource);
  }

  ref(stack: StackTemplate, logicalId: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Region': LOCAL_REGION,
      'AWS::AccountId': LOCAL_ACCOUNT,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stack.stackName,
      'AWS::NoValue': '',
    };
    if (logicalId in pseudo) return pseudo[logicalId] as string;
    const resource = stack.resources[logicalId];
    if (!resource) throw new Error(`Ref to unknown resource ${logicalId} in ${stack.stackName}`);
    const name = this.name(stack, logicalId);
    switch (resource.Type) {
      case 'AWS::SQS::Queue':
        return `${this.options.queueEndpoint ?? 'http://127.0.0.1'}/${LOCAL_ACCOUNT}/${name}`;
      case 'AWS::SecretsManager::Secret':
      case 'AWS::StepFunctions::StateMachine':
      case 'AWS::SNS::Topic':
        return this.arn(resource.Type, name);
      default:
        return name;
    }
  }

  arn(type: string, name: string): string {
    const prefix = `${LOCAL_REGION}:${LOCAL_ACCOUNT}`;
    switch (type) {
      case 'AWS::DynamoDB::Table':
        return `arn:aws:dynamodb:${prefix}:table/${name}`;
      case 'AWS::S3::Bucket':
        return `arn:aws:s3:::${name}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${prefix}:${name}`;
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${prefix}:function:${name}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:aws:states:${prefix}:stateMachine:${name}`;
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${prefix}:secret:${name}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${prefix}:${name}`;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`;
      default:
        return `arn:aws:local:${prefix}:${type}/${name}`;
    }
  }

  getAtt(stack: StackTemplate, logicalId: string, attribute: string): string {
    const resource = stack.resources[logicalId];
    if (!resource) throw new Error(`Fn::GetAtt of unknown resource ${logicalId} in ${stack.stackName}`);
    const name = this.name(stack, logicalId);
    if (attribute === 'Arn') return this.arn(resource.Type, name);
    if (resource.Type === 'AWS::ApiGatewayV2::Api' && attribute === 'ApiEndpoint') {
      return this.options.apiEndpoint ?? `https://${name}.execute-api.${LOCAL_REGION}.amazonaws.com`;
    }
    if (attribute === 'QueueName' || attribute === 'Name') return name;
    if (attribute === 'QueueUrl') return this.ref(stack, logicalId);
    if (attribute === 'DomainName') return `${name}.s3.amazonaws.com`;
    if (attribute === 'RegionalDomainName') return `${name}.s3.${LOCAL_REGION}.amazonaws.com`;
    return `${name}.${attribute}`;
  }

  importValue(exportName: string): unknown {
    for (const stack of this.stacks) {
      for (const output of Object.values(stack.outputs)) {
        if (output.Export && this.resolve(stack, output.Export.Name) === exportName) {
          return this.resolve(stack, output.Value);
        }
      }
    }
    throw new Error(`Fn::ImportValue: no stack exports ${exportName}`);
  }

  /**
   * The value of output `outputName` of the stack named `stackName` (Fn::GetStackOutput, which CDK writes for a
   * weak cross-stack reference). Only the stacks of this assembly are known: another region or account is not.
   */
  stackOutput(stackName: string, outputName: string): unknown {
    const producer = this.stacks.find((candidate) => candidate.stackName === stackName);
    if (!producer) throw new Error(`Fn::GetStackOutput: no stack named ${stackName} in this assembly`);
    const output = producer.outputs[outputName];
    if (!output) throw new Error(`Fn::GetStackOutput: stack ${stackName} has no output ${outputName}`);
    return this.resolve(producer, output.Value);
  }

  /** Resolves intrinsic functions in a template value. */
  resolve(stack: StackTemplate, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(stack, item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0] as [string, unknown];
      switch (fn) {
        case 'Ref':
          return this.ref(stack, arg as string);
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
          return this.getAtt(stack, id as string, attr as string);
        }
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, unknown[]];
          return (this.resolve(stack, parts) as unknown[]).join(sep);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [unknown, unknown];
          return (this.resolve(stack, list) as unknown[])[Number(this.resolve(stack, index))];
        }
        case 'Fn::Split': {
          const [sep, text] = arg as [string, unknown];
          return String(this.resolve(stack, text)).split(sep);
        }
        case 'Fn::ImportValue':
          return this.importValue(String(this.resolve(stack, arg)));
        case 'Fn::GetStackOutput': {
          const { StackName, OutputName } = (arg ?? {}) as { StackName?: unknown; OutputName?: unknown };
          return this.stackOutput(
            String(this.resolve(stack, StackName)),
            String(this.resolve(stack, OutputName)),
          );
        }
        case 'Fn::Sub': {
          const [text, vars] = Array.isArray(arg)
            ? (arg as [string, Record<string, unknown>])
            : [arg as string, {}];
          return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
            if (name in vars) return String(this.resolve(stack, vars[name]));
            const [id, attr] = name.split('.');
            return attr ? this.getAtt(stack, id as string, attr) : this.ref(stack, id as string);
          });
        }
        default:
          if (fn.startsWith('Fn::')) throw new Error(`Unsupported intrinsic ${fn}`);
      }
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolve(stack, item)]));
  }
}
