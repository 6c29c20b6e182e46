import { createCache, type CacheEvent, type Storage } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { PrismaD1 } from '@prisma/adapter-d1'
import { env } from 'cloudflare:workers'
import { withKvCache, prismaCodecs, type WithKvCacheOptions } from '../../src'
import { Prisma, PrismaClient } from '../.generated/d1/client/client.ts'
import { models } from '../.generated/d1/kvcache/models.js'
import { ddl } from '../setup/schema'
import type { Harness, HarnessOptions } from '../shared/harness'

export const { DB, DB2, KV } = env as unknown as { DB: D1Database; DB2: D1Database; KV: KVNamespace }

/** Drops and recreates the test schema in `db`. */
export async function resetDatabase(db: D1Database = DB): Promise<void> {
  // Children first: D1 enforces foreign keys, also while dropping.
  await db.prepare('DROP VIEW IF EXISTS "post_titles"').run()
  for (const table of ['Item', 'Membership', '_PostToTag', 'Tag', 'Comment', 'Post', 'Profile', 'users'])
    await db.prepare(`DROP TABLE IF EXISTS "${table}"`).run()
  for (const statement of ddl('d1')) await db.prepare(statement).run()
}

/** A fresh D1 database, a Prisma client through the cache, and one straight to D1 ("behind the cache"). */
export async function d1Harness(options: HarnessOptions = {}): Promise<Harness> {
  await resetDatabase()
  const events: CacheEvent[] = []
  const storage: Storage = options.storage?.(kvStorage(KV)) ?? kvStorage(KV)
  const cache = createCache({
    storage,
    prefix: `p${crypto.randomUUID().slice(0, 8)}`,
    onEvent: (event) => events.push(event),
    codecExtensions: prismaCodecs(Prisma),
    ...(options.now && { now: options.now }),
  })
  const bindingOptions: WithKvCacheOptions = { ...(options.withModels === false ? {} : { models }), ...options.binding }
  const plain = new PrismaClient({ adapter: new PrismaD1(DB) })
  const prisma = plain.$extends(withKvCache(cache, bindingOptions))
  return { flavor: 'd1', prisma, behind: new PrismaClient({ adapter: new PrismaD1(DB) }), plain, cache, events, Prisma, models, close: async () => undefined }
}
