/**
 * s3rver on 127.0.0.1: a local S3 whose object-created events feed the intake path.
 *
 * s3rver has no object versioning, but the real bucket is versioned (and the proposal id is derived from
 * bucket/key/versionId). For a bucket declared versioned, this module adds what the pipeline relies on:
 * - every write of a key (PutObject, POST form upload, CompleteMultipartUpload, CopyObject) makes a new version,
 *   with a fresh unique version id in the object-created event and in the `x-amz-version-id` response header;
 * - GetObject/HeadObject with `versionId` serve that version: the body a version had is kept aside (in a bucket
 *   ListBuckets does not show) just before a write or delete replaces it; an unknown version id is a 404
 *   NoSuchVersion, as S3 answers.
 * Not emulated: ListObjectVersions, deleting a specific version, delete markers in events.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { freePort } from './ports';
import { postPolicyMiddleware } from './s3-post-policy';

export interface S3ObjectEvent {
  eventName: string;
  bucket: string;
  key: string;
  size?: number;
  eTag?: string;
  /** Set for a versioned bucket, as S3 does. */
  versionId?: string;
  sequencer?: string;
}

export interface LocalBucket {
  name: string;
  /** The template's VersioningConfiguration is Enabled. */
  versioned: boolean;
}

export interface RunningS3 {
  endpoint: string;
  stop(): Promise<void>;
}

/** Where the bodies of replaced versions are kept (not listed by ListBuckets). */
const VERSIONS_BUCKET = 'local-s3rver-object-versions';

export async function startS3(
  buckets: Array<LocalBucket | string>,
  onEvent: (event: S3ObjectEvent) => void,
  credentials?: { accessKeyId: string; secretAccessKey: string },
): Promise<RunningS3> {
  const declared = buckets.map((b) => (typeof b === 'string' ? { name: b, versioned: false } : b));
  const directory = mkdtempSync(join(tmpdir(), 'proposals-s3-'));
  const port = await freePort();
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    silent: true,
    directory,
    configureBuckets: declared.map(({ name }) => ({ name, configs: [] })),
  });
  const versions = new ObjectVersions(
    server as unknown as S3rverInternals,
    declared.filter((b) => b.versioned).map((b) => b.name),
  );
  mkdirSync(join(directory, VERSIONS_BUCKET), { recursive: true });
  // Browser-based uploads (the portal's forms) are checked against their signed policy first, as S3 does.
  if (credentials) {
    (server as unknown as { middleware: unknown[] }).middleware.unshift(
      postPolicyMiddleware({ ...credentials, buckets: declared.map((b) => b.name) }),
    );
  }
  // s3rver is a Koa app (an EventEmitter); its typings leave out the 'event' it emits for each object change.
  (server as unknown as NodeJS.EventEmitter).on('event', (event: S3rverEvent) => {
    for (const record of event.Records) {
      const { bucket, object } = record.s3;
      onEvent({
        eventName: record.eventName,
        bucket: bucket.name,
        key: object.key,
        size: object.size,
        eTag: object.eTag,
        versionId: record.eventName.startsWith('ObjectCreated')
          ? versions.versionWritten(bucket.name, object.key)
          : undefined,
        sequencer: object.sequencer,
      });
    }
  });
  await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

interface S3rverEvent {
  Records: Array<{
    eventName: string;
    s3: {
      bucket: { name: string };
      object: { key: string; size?: number; eTag?: string; sequencer?: string };
    };
  }>;
}

/** The parts of s3rver's filesystem store this module wraps (s3rver 3.7). */
interface Store {
  putObject(object: { bucket: string; key: string }): Promise<unknown>;
  copyObject(
    srcBucket: string,
    srcKey: string,
    destBucket: string,
    destKey: string,
    replacementMetadata?: unknown,
  ): Promise<unknown>;
  deleteObject(bucket: string, key: string): Promise<unknown>;
  getObject(bucket: string, key: string, options?: unknown): Promise<unknown>;
  listBuckets(): Promise<Array<{ name: string }>>;
}

/** The minimal Koa context the version middleware uses. */
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
  type: string;
  store: Store;
  set(field: string, value: string): void;
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

/** s3rver is a Koa app: its middleware list (composed when it starts listening) and its store. */
interface S3rverInternals {
  store: Store;
  middleware: KoaMiddleware[];
}

/** A version id shaped like S3's: 32 URL-safe characters. */
const newVersionId = () => randomBytes(24).toString('base64url');

/**
 * Object versions for s3rver. The current version id of each key lives in memory (the emulator starts empty);
 * writes are wrapped at s3rver's store, so every way of writing an object gets a version; a per-request async
 * context carries the id assigned by a request to its event and its response.
 */
class ObjectVersions {
  private readonly current = new Map<string, string>();
  /** `${bucket}\n${key}\n${versionId}` of the versions whose body was kept aside. */
  private readonly kept = new Set<string>();
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Per HTTP request: the version ids its writes were given, by bucket/key. */
  private readonly request = new AsyncLocalStorage<Map<string, string>>();
  private readonly versioned: Set<string>;
  private readonly original: Pick<Store, 'putObject' | 'copyObject' | 'deleteObject' | 'getObject'>;

  constructor(server: S3rverInternals, versionedBuckets: string[]) {
    this.versioned = new Set(versionedBuckets);
    const store = server.store;
    this.original = {
      putObject: store.putObject.bind(store),
      copyObject: store.copyObject.bind(store),
      deleteObject: store.deleteObject.bind(store),
      getObject: store.getObject.bind(store),
    };
    const listBuckets = store.listBuckets.bind(store);
    // The store's multipart completion calls this.putObject, so wrapping putObject covers it too.
    store.putObject = (object) =>
      this.write(object.bucket, object.key, () => this.original.putObject(object));
    store.copyObject = (srcBucket, srcKey, destBucket, destKey, metadata) =>
      this.write(destBucket, destKey, () =>
        this.original.copyObject(srcBucket, srcKey, destBucket, destKey, metadata),
      );
    store.deleteObject = (bucket, key) => this.remove(bucket, key);
    store.listBuckets = async () => (await listBuckets()).filter((b) => b.name !== VERSIONS_BUCKET);
    // First in the chain: it runs around everything s3rver does for the request.
    server.middleware.unshift((ctx, next) => this.middleware(ctx, next));
  }

  /** The version id the current request gave bucket/key (read while s3rver emits the event). */
  versionWritten(bucket: string, key: string): string | undefined {
    if (!this.versioned.has(bucket)) return undefined;
    const id = objectId(bucket, key);
    return this.request.getStore()?.get(id) ?? this.current.get(id);
  }

  private async middleware(ctx: KoaContext, next: () => Promise<void>): Promise<void> {
    const written = new Map<string, string>();
    await this.request.run(written, async () => {
      const target = objectOf(ctx.path);
      if (target && this.versioned.has(target.bucket) && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
        const served = this.selectVersion(ctx, target);
        if (served === null) return;
        await next();
        if (served && ctx.status < 300) ctx.set('x-amz-version-id', served);
        return;
      }
      await next();
      const versionId = [...written.values()].at(-1);
      if (versionId && ctx.status < 400) ctx.set('x-amz-version-id', versionId);
    });
  }

  /**
   * Points a GET/HEAD at the version asked for: the current one is what s3rver serves anyway (it ignores
   * `versionId`); an older one is read from where its body was kept. Returns the version served, or null when
   * the request was answered here (no such version).
   */
  private selectVersion(ctx: KoaContext, target: { bucket: string; key: string }): string | undefined | null {
    const id = objectId(target.bucket, target.key);
    const current = this.current.get(id);
    const asked = typeof ctx.query.versionId === 'string' ? ctx.query.versionId : undefined;
    if (!asked || asked === current) return current;
    if (this.kept.has(`${id}\n${asked}`)) {
      const key = versionKey(target.bucket, target.key, asked);
      const getObject = (_bucket: string, _key: string, options?: unknown) =>
        this.original.getObject(VERSIONS_BUCKET, key, options);
      ctx.store = Object.assign(Object.create(ctx.store) as Store, { getObject });
      return asked;
    }
    ctx.status = 404;
    ctx.set('x-amz-error-code', 'NoSuchVersion');
    ctx.type = 'application/xml';
    ctx.body =
      ctx.method === 'HEAD'
        ? ''
        : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchVersion</Code><Message>The specified version does not exist.</Message><Key>${escapeXml(target.key)}</Key><VersionId>${escapeXml(asked)}</VersionId></Error>`;
    return null;
  }

  /** A write of a key in a versioned bucket: keep the current body aside, write, then give it a new version. */
  private write<T>(bucket: string, key: string, run: () => Promise<T>): Promise<T> {
    if (!this.versioned.has(bucket)) return run();
    const id = objectId(bucket, key);
    return this.exclusive(id, async () => {
      await this.keepCurrent(bucket, key);
      const result = await run();
      const versionId = newVersionId();
      this.current.set(id, versionId);
      this.request.getStore()?.set(id, versionId);
      return result;
    });
  }

  /** A delete keeps the versions reachable by id (S3 puts a delete marker on top of them). */
  private remove(bucket: string, key: string): Promise<unknown> {
    if (!this.versioned.has(bucket)) return this.original.deleteObject(bucket, key);
    const id = objectId(bucket, key);
    return this.exclusive(id, async () => {
      await this.keepCurrent(bucket, key);
      await this.original.deleteObject(bucket, key);
      this.current.delete(id);
    });
  }

  private async keepCurrent(bucket: string, key: string): Promise<void> {
    const id = objectId(bucket, key);
    const versionId = this.current.get(id);
    if (!versionId || this.kept.has(`${id}\n${versionId}`)) return;
    await this.original.copyObject(bucket, key, VERSIONS_BUCKET, versionKey(bucket, key, versionId));
    this.kept.add(`${id}\n${versionId}`);
  }

  /** One write at a time per key, so a version id always names the body written under it. */
  private exclusive<T>(id: string, run: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(id) ?? Promise.resolve();
    const result = previous.then(run, run);
    const tail = result.catch(() => {});
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return result;
  }
}

const objectId = (bucket: string, key: string) => `${bucket}\n${key}`;
const versionKey = (bucket: string, key: string, versionId: string) => `${bucket}/${key}/${versionId}`;

/** Bucket and key of a path-style object URL path (/bucket/key...), if it names an object. */
function objectOf(path: string): { bucket: string; key: string } | undefined {
  const match = /^\/([^/]+)\/(.+)$/.exec(path);
  if (!match) return undefined;
  try {
    return { bucket: decodeURIComponent(match[1] as string), key: decodeURIComponent(match[2] as string) };
  } catch {
    return undefined;
  }
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
  );
}
