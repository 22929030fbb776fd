/**
 * Runs `work` over `items` with at most `limit` calls in flight, returning results in input
 * order. `onEach` is called as each item finishes (in completion order). The first rejection
 * rejects the call, and no further item is started.
 */
export async function mapConcurrently<Item, Result>(
  items: readonly Item[],
  limit: number,
  work: (item: Item) => Promise<Result>,
  onEach?: (result: Result, item: Item) => void,
): Promise<Result[]> {
  const results = new Array<Result>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const index = next;
      next += 1;
      const item = items[index] as Item;
      let result: Result;
      try {
        result = await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
      results[index] = result;
      onEach?.(result, item);
    }
  };
  const workers = Array.from({ length: Math.min(limit, items.length) }, () => worker());
  await Promise.all(workers);
  return results;
}
