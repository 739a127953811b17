/** s3rver on 127.0.0.1: a local S3 whose object-created events feed the intake path. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { freePort } from './ports';

export interface S3ObjectEvent {
  eventName: string;
  bucket: string;
  key: string;
  size?: number;
  eTag?: string;
  sequencer?: string;
}

export interface RunningS3 {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startS3(
  buckets: string[],
  onEvent: (event: S3ObjectEvent) => void,
): Promise<RunningS3> {
  const directory = mkdtempSync(join(tmpdir(), 'proposals-s3-'));
  const port = await freePort();
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  // s3rver is a Koa app (an EventEmitter); its typings leave out the 'event' it emits for each object change.
  (server as unknown as NodeJS.EventEmitter).on(
    'event',
    (event: {
      Records: Array<{
        eventName: string;
        s3: {
          bucket: { name: string };
          object: { key: string; size?: number; eTag?: string; sequencer?: string };
        };
      }>;
    }) => {
      for (const record of event.Records) {
        onEvent({
          eventName: record.eventName,
          bucket: record.s3.bucket.name,
          key: record.s3.object.key,
          size: record.s3.object.size,
          eTag: record.s3.object.eTag,
          sequencer: record.s3.object.sequencer,
        });
      }
    },
  );
  await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
