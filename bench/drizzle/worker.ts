import { createCache, type Storage } from '@kvcache/core'
import { drizzleCache } from '@kvcache/drizzle'
import { kvStorage } from '@kvcache/storage-kv'
import { desc, eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { countingKv, opsMeter } from '../lib/counting-kv'
import { loop, seedPosts } from '../lib/orm-worker'

const posts = sqliteTable('posts', {
  id: integer('id').primaryKey(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  authorId: integer('author_id').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
})
const schema = { posts }

interface Env {
  DB: D1Database
  KV: KVNamespace
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url)
    const n = Number(url.searchParams.get('n') ?? '200')
    const counting = countingKv(env.KV)
    const storage: Storage = kvStorage(counting.kv)
    const cache = createCache({ storage, prefix: 'bench-drizzle', defaultTtlSeconds: 300 })
    const kv = drizzleCache(cache, { schema, strategy: 'all' })
    const cached = drizzle(kv.d1(env.DB), { schema, cache: kv })
    const plain = drizzle(env.DB, { schema })
    const latest = (db: typeof plain) => db.select().from(posts).orderBy(desc(posts.id)).limit(20)
    switch (url.pathname) {
      case '/setup': {
        await seedPosts(env.DB)
        await latest(cached)
        return Response.json({ ok: true })
      }
      case '/uncached':
        return loop(n, () => latest(plain))
      case '/cached':
        return loop(n, () => latest(cached))
      case '/ops': {
        const measure = opsMeter(counting, cache)
        const hit = await measure(() => latest(cached))
        const miss = await measure(() =>
          cached
            .select()
            .from(posts)
            .where(eq(posts.authorId, 3))
            .limit(Math.floor(Math.random() * 1e6)),
        )
        const writeById = await measure(() => cached.update(posts).set({ title: 'changed' }).where(eq(posts.id, 1)))
        const insert = await measure(() => cached.insert(posts).values({ title: 'new', body: 'b', authorId: 1, createdAt: new Date() }))
        return Response.json({ hit, miss, writeById, insert })
      }
    }
    return new Response('not found', { status: 404 })
  },
}
