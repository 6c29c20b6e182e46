import { createCache, type Storage } from '@kvcache/core'
import { kyselyCache } from '@kvcache/kysely'
import { kvStorage } from '@kvcache/storage-kv'
import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import { countingKv } from '../lib/counting-kv'

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
    const loop = async (read: () => Promise<unknown>) => {
      for (let i = 0; i < n; i++) await read()
      return Response.json({ n })
    }
    switch (url.pathname) {
      case '/setup': {
        await env.DB.exec(
          'CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, author_id INTEGER NOT NULL, created_at INTEGER NOT NULL)',
        )
        const insert = env.DB.prepare('INSERT OR IGNORE INTO posts VALUES (?, ?, ?, ?, ?)')
        await env.DB.batch(
          Array.from({ length: 500 }, (_, i) => insert.bind(i + 1, `Post ${i + 1}`, 'Lorem ipsum dolor sit amet. '.repeat(10), (i % 17) + 1, 1767225600000 + i * 60000)),
        )
        await latest(cached)
        return Response.json({ ok: true })
      }
      case '/uncached':
        return loop(() => latest(plain))
      case '/cached':
        return loop(() => latest(cached))
      case '/ops': {
        const measure = async (work: () => Promise<unknown>) => {
          counting.reset()
          await work()
          await cache.flush()
          return { ...counting.counts }
        }
        const hit = await measure(() => latest(cached))
        const miss = await measure(() => cached.selectFrom('posts').selectAll().where('author_id', '=', 3).limit(Math.floor(Math.random() * 1e6)).execute())
        const insert = await measure(() =>
          cached.insertInto('posts').values({ id: 2000000 + Math.floor(Math.random() * 1e6), title: 'new', body: 'b', author_id: 1, created_at: Date.now() }).execute(),
        )
        const update = await measure(() => cached.updateTable('posts').set({ title: 'changed' }).where('id', '=', 1).execute())
        return Response.json({ hit, miss, insert, update })
      }
    }
    return new Response('not found', { status: 404 })
  },
}
