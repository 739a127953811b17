import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProfile, readStageConfig } from '../../../infra/config';

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

  it('accepts only the log retention periods CloudWatch Logs has, and names them', () => {
    expect(readStageConfig(from({ logRetentionDays: '14' })).logRetentionDays).toBe(14);
    expect(readStageConfig(from({ logRetentionDays: 3653 })).logRetentionDays).toBe(3653);
    for (const days of [2, 10, 31, 366, 0, -1, '1.5']) {
      expect(() => readStageConfig(from({ logRetentionDays: days })), String(days)).toThrow(
        /logRetentionDays: expected one of the retention periods CloudWatch Logs accepts, in days: 1, 3, 5, 7, 14, 30, 60, 90,.* 3653/,
      );
    }
  });

  it('wants review links over https everywhere but on the local runtime', () => {
    expect(() => readStageConfig(from({ reviewBaseUrl: 'http://review.kipp.example.go.id/review' }))).toThrow(
      /reviewBaseUrl: expected an https:\/\/ URL \(plain http is allowed only for the local stage\)/,
    );
    expect(
      readStageConfig(from({ reviewBaseUrl: 'https://review.kipp.example.go.id/review' })).reviewBaseUrl,
    ).toBe('https://review.kipp.example.go.id/review');
    expect(
      readStageConfig(from({ stage: 'local', reviewBaseUrl: 'http://127.0.0.1:8080/review' })).reviewBaseUrl,
    ).toBe('http://127.0.0.1:8080/review');
  });

  it('stops the synth on a profile that cannot be loaded, naming the file and what is allowed', () => {
    expect(readProfile('kipp').id).toBeTruthy();
    expect(() => readProfile('kip')).toThrow(
      /Invalid competition profile \(-c profile=kip\):.*no bundled profile named "kip" \(available: kipp\); pass a path to a JSON file/,
    );
    expect(() => readProfile('/nonexistent/profile.json')).toThrow(
      /-c profile=\/nonexistent\/profile\.json.*cannot read the file \(ENOENT\)/,
    );
    const notJson = join(mkdtempSync(join(tmpdir(), 'profile-')), 'profile.json');
    writeFileSync(notJson, '{ "id": ');
    expect(() => readProfile(notJson)).toThrow(/not valid JSON/);
  });

  it('refuses a settings file that does not exist', () => {
    expect(() => readStageConfig(from({ config: '/nonexistent/stage.json' }))).toThrow(/does not exist/);
  });
});
