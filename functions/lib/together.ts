/**
 * Waits for independent requests made at once, like Promise.all, but for every one of them to settle before it
 * throws: an invocation never returns (and its sandbox never freezes) with a request of its own still in flight.
 * Throws the first rejection in argument order, so the error is the one the same calls made in turn would give.
 */
export async function together<T extends readonly unknown[]>(
  ...promises: { [K in keyof T]: Promise<T[K]> }
): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
