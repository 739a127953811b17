import { App, type AppProps, Tags } from 'aws-cdk-lib';
import { readProfile, readStageConfig } from './config';
import { addNagChecks } from './nag';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

/** Builds the CDK app: two stacks per stage, data apart from logic. Used by `cdk` and by the local runtime. */
export function createApp(props: AppProps = {}): { app: App; data: StatefulStack; logic: StatelessStack } {
  const app = new App(props);
  const config = readStageConfig((key) => app.node.tryGetContext(key));
  // Validated before any construct exists: a bad profile stops the synth with the file and field named.
  const profile = readProfile(config.profile);
  const prefix = `Proposals-${config.stage}`;
  // Tags of the CloudFormation stacks themselves (with @aws-cdk/core:explicitStackTags, Tags.of(app) below tags
  // only the resources in the templates); CloudFormation also applies them to resources CDK leaves untagged.
  const tags = { project: 'proposal-review', stage: config.stage };
  const data = new StatefulStack(app, `${prefix}-Data`, {
    config,
    tags,
    description: 'Proposal review pipeline: data (bucket, table, queues, secret)',
  });
  const logic = new StatelessStack(app, `${prefix}-Logic`, {
    config,
    profile,
    data,
    tags,
    description: 'Proposal review pipeline: logic (functions, state machine, review API)',
  });
  logic.addStackDependency(data);
  for (const [key, value] of Object.entries(tags)) Tags.of(app).add(key, value);
  // cdk-nag AwsSolutions checks at synthesis; `-c nag=false` turns them off.
  addNagChecks(app, data, logic);
  return { app, data, logic };
}
