import { describe, expect, it } from 'vitest';
import { readStageConfig } from '../../../infra/config';

const from = (values: Record<string, unknown>) => (key: string) => values[key];

describe('deployment settings', () => {
  it('gives a newcomer safe defaults for the dev stage', () => {
    const config = readStageConfig(from({}));
    expect(config).toMatchObject({ stage: 'dev', profile: 'kipp', logRetentionDays: 30, retainData: false });
  });

  it('reads a stage file and lets -c values win over it', () => {
    const prod = readStageConfig(from({ stage: 'prod' }));
    expect(prod).toMatchObject({
      senderEmail: 'kipp@example.go.id',
      retainData: true,
      logRetentionDays: 365,
    });
    expect(readStageConfig(from({ stage: 'prod', opsEmail: 'ops@example.go.id' })).opsEmail).toBe(
      'ops@example.go.id',
    );
  });

  it('accepts context strings for numbers and booleans, as `cdk -c` passes them', () => {
    const config = readStageConfig(from({ stage: 'test', logRetentionDays: '7', retainData: 'true' }));
    expect(config).toMatchObject({ logRetentionDays: 7, retainData: true });
  });

  it('names every bad setting in one clear error', () => {
    expect(() => readStageConfig(from({ stage: 'Prod!', senderEmail: 'nope' }))).toThrow(
      /stage: expected lowercase[\s\S]*senderEmail: expected the email address/,
    );
  });

  it('refuses a settings file that does not exist', () => {
    expect(() => readStageConfig(from({ config: '/nonexistent/stage.json' }))).toThrow(/does not exist/);
  });
});
