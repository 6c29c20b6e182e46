import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { createCache } from '@kvcache/core'
import { drizzleCache } from '@kvcache/drizzle'
import { kvStorage } from '@kvcache/storage-kv'
import { eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { durableObjectVersions } from '../src'
import { unique } from './helpers'

const stock = sqliteTable('coordinator_stock', {
  sku: text('sku').primaryKey(),
  units: integer('units').notNull(),
})
const schema = { stock }

beforeAll(async () => {
  await env.DB.prepare('CREATE TABLE IF NOT EXISTS coordinator_stock (sku TEXT PRIMARY KEY, units INTEGER NOT NULL)').run()
})

/** One isolate running Drizzle over D1 with the cache and the coordinator; each call is one request. */
function isolate(prefix: string) {
  const cache = createCache({ storage: kvStorage(env.KV), prefix, versions: durableObjectVersions(env.KVCACHE_COORDINATOR, { prefix }) })
  return async <T>(work: (db: ReturnType<typeof drizzle<typeof schema>>) => Promise<T>): Promise<T> => {
    const ctx = createExecutionContext()
    const kv = drizzleCache(cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise) }), { schema })
    const result = await work(drizzle(kv.d1(env.DB), { schema, cache: kv }))
    await waitOnExecutionContext(ctx)
    return result
  }
}

describe('Drizzle (D1) with the coordinator', () => {
  it('a write through Drizzle on one isolate is read fresh by the next request on another, for row and table reads', async () => {
    const sku = unique('sku')
    const prefix = unique('drizzle')
    const [a, b] = [isolate(prefix), isolate(prefix)]
    const behindTheCache = drizzle(env.DB, { schema })
    await behindTheCache.insert(stock).values({ sku, units: 5 })
    const readRow = () => b((db) => db.select().from(stock).where(eq(stock.sku, sku)).$withCache())
    const readCount = () =>
      b((db) =>
        db
          .select({ n: sql<number>`count(*)` })
          .from(stock)
          .where(eq(stock.units, 0))
          .$withCache(),
      )

    expect(await readRow()).toStrictEqual([{ sku, units: 5 }])
    const zeroBefore = (await readCount())[0]?.n ?? 0
    // Changed behind the cache's back: b still serves its cached row, which proves it is cached.
    await behindTheCache.update(stock).set({ units: 7 }).where(eq(stock.sku, sku))
    expect(await readRow()).toStrictEqual([{ sku, units: 5 }])

    await a((db) => db.update(stock).set({ units: 0 }).where(eq(stock.sku, sku)))
    expect(await readRow()).toStrictEqual([{ sku, units: 0 }])
    expect(await readCount()).toStrictEqual([{ n: zeroBefore + 1 }])

    await a((db) => db.run(sql`UPDATE coordinator_stock SET units = 3 WHERE sku = ${sku}`))
    expect(await readRow()).toStrictEqual([{ sku, units: 3 }])
    expect(await readCount()).toStrictEqual([{ n: zeroBefore }])
  })
})
