import { createCache, type Storage } from '@kvcache/core'
import { kyselyCache } from '@kvcache/kysely'
import { kvStorage } from '@kvcache/storage-kv'
import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import { countingKv, opsMeter } from '../lib/counting-kv'
import { loop, seedPosts } from '../lib/orm-worker'

interface Database {
  posts: { id: number; title: string; body: string; author_id: number; created_at: number }
}

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
    const cache = createCache({ storage, prefix: 'bench-kysely', defaultTtlSeconds: 300 })
    const cached = new Kysely<Database>({ dialect: kyselyCache(new D1Dialect({ database: env.DB }), cache, { strategy: 'all' }) })
    const plain = new Kysely<Database>({ dialect: new D1Dialect({ database: env.DB }) })
    const latest = (db: Kysely<Database>) => db.selectFrom('posts').selectAll().orderBy('id', 'desc').limit(20).execute()
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
            .selectFrom('posts')
            .selectAll()
            .where('author_id', '=', 3)
            .limit(Math.floor(Math.random() * 1e6))
            .execute(),
        )
        const insert = await measure(() =>
          cached
            .insertInto('posts')
            .values({ id: 2000000 + Math.floor(Math.random() * 1e6), title: 'new', body: 'b', author_id: 1, created_at: Date.now() })
            .execute(),
        )
        const update = await measure(() => cached.updateTable('posts').set({ title: 'changed' }).where('id', '=', 1).execute())
        return Response.json({ hit, miss, insert, update })
      }
    }
    return new Response('not found', { status: 404 })
  },
}
