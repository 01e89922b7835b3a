// No 'server-only' marker: the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.
import type { RedisClientType } from 'redis';
import type { PageRequest } from './types';

type Commands = Pick<RedisClientType, 'zCount' | 'zRangeWithScores'>;

/** How a store runs commands: on its connection, failing with StoreUnavailableError while Redis is down. */
export type Run = <T>(work: (redis: Commands) => Promise<T>) => Promise<T>;

export interface ShardEntry {
  shard: string;
  value: string;
  score: number;
}

// The listings' order: the highest score first, equal scores by member, the last first; and its exact reverse.
const highestFirst = (a: ShardEntry, b: ShardEntry) => b.score - a.score || (a.value < b.value ? 1 : a.value > b.value ? -1 : 0);
const lowestFirst = (a: ShardEntry, b: ShardEntry) => -highestFirst(a, b);

/**
 * One page of the union of sorted sets kept in shards (the index of everyone's sessions, everyone's events), the
 * highest score first, counting only scores above `above` (exclusive). The count comes first; then each shard gives
 * its entries from the end nearer the page, and the merge of them holds it: a page costs the shards
 * `16 × (page size + its distance from the nearer end)` entries, so the first and the last pages are the cheapest
 * and a page number typed far past the end costs what the last page costs. Never a scan.
 */
export async function mergedPage(run: Run, shards: string[], above: number, { offset, limit }: PageRequest): Promise<{ entries: ShardEntry[]; total: number }> {
  const min = `(${above}`;
  const counts = await run((redis) => Promise.all(shards.map((shard) => redis.zCount(shard, min, '+inf'))));
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (limit <= 0 || offset >= total) return { entries: [], total };
  const fromTop = offset + limit;
  // From the other end the page ends `total - offset` entries in.
  const fromBottom = total - offset;
  const read = (options: { REV?: true; count: number }) =>
    run((redis) =>
      Promise.all(
        shards.map(async (shard) => {
          const range = options.REV
            ? await redis.zRangeWithScores(shard, '+inf', min, { BY: 'SCORE', REV: true, LIMIT: { offset: 0, count: options.count } })
            : await redis.zRangeWithScores(shard, min, '+inf', { BY: 'SCORE', LIMIT: { offset: 0, count: options.count } });
          return range.map((entry) => ({ shard, ...entry }));
        }),
      ),
    );
  if (fromTop <= fromBottom) return { entries: (await read({ REV: true, count: fromTop })).flat().sort(highestFirst).slice(offset, fromTop), total };
  const lowest = (await read({ count: fromBottom })).flat().sort(lowestFirst);
  return { entries: lowest.slice(Math.max(0, fromBottom - limit), fromBottom).reverse(), total };
}
