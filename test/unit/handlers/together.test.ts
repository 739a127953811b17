import { describe, expect, it } from 'vitest';
import { together } from '../../../functions/lib/together';

const later = <T>(ms: number, value: T, fail = false) =>
  new Promise<T>((resolve, reject) =>
    setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms),
  );

describe('requests made at once', () => {
  it('gives every answer in the order asked', async () => {
    expect(await together(later(30, 'a'), later(5, 2), later(15, true))).toEqual(['a', 2, true]);
  });

  it('throws only once every request has settled, the first failure in the order asked', async () => {
    let slowDone = false;
    const slow = later(60, 'slow').then((v) => {
      slowDone = true;
      return v;
    });

    await expect(together(later(40, 'first', true), later(1, 'second', true), slow)).rejects.toThrow('first');
    expect(slowDone).toBe(true);
  });
});
