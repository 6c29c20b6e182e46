// Ours vs a naive KV cache-aside with a shared per-table index (the design of the existing Drizzle
// KV adapter), re-implemented here ONLY as a baseline.
import { createCache } from '@kvcache/core'
import { tableScope } from '@kvcache/core/testing'
import { kvStorage } from '@kvcache/storage-kv'
import { countingKv } from '../lib/counting-kv'

interface Env {
  KV: KVNamespace
  DB: D1Database
}

const SQL = 'SELECT id, title FROM posts WHERE author_id = ? ORDER BY id LIMIT 20'

/** The baseline: entry under its key; every key appended to `index:<table>`; invalidation deletes them all. */
function naiveCache(kv: KVNamespace) {
  return {
    async query<T>(key: string, table: string, load: () => Promise<T>): Promise<T> {
      const cached = await kv.get(key)
      if (cached !== null) return JSON.parse(cached) as T
      const value = await load()
      await kv.put(key, JSON.stringify(value), { expirationTtl: 300 })
      // Read-modify-write of a shared key: concurrent fills lose each other's entries.
      const index = JSON.parse((await kv.get(`index:${table}`)) ?? '[]') as string[]
      if (!index.includes(key)) index.push(key)
      await kv.put(`index:${table}`, JSON.stringify(index))
      return value
    },
    async invalidate(table: string) {
      const index = JSON.parse((await kv.get(`index:${table}`)) ?? '[]') as string[]
      await Promise.all(index.map((key) => kv.delete(key)))
      await kv.delete(`index:${table}`)
    },
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url)
    const n = Number(url.searchParams.get('n') ?? '200')
    const counting = countingKv(env.KV)
    const naive = naiveCache(counting.kv)
    const ours = createCache({ storage: kvStorage(counting.kv), prefix: 'ours', defaultTtlSeconds: 300 })
    const load = (author: number) => async () => (await env.DB.prepare(SQL).bind(author).all()).results
    const oursQuery = (author: number) => ours.query({ material: ['d1', SQL, [author]], scopes: [tableScope('posts')] }, load(author))
    const naiveQuery = (author: number) => naive.query(`naive:${author}`, 'posts', load(author))
    const measure = async (work: () => Promise<unknown>) => {
      counting.reset()
      await work()
      await ours.flush()
      return { ...counting.counts }
    }

    switch (url.pathname) {
      case '/setup': {
        await env.DB.exec('CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL, title TEXT NOT NULL)')
        const insert = env.DB.prepare('INSERT OR IGNORE INTO posts VALUES (?, ?, ?)')
        await env.DB.batch(Array.from({ length: 400 }, (_, i) => insert.bind(i + 1, (i % 50) + 1, `Post ${i + 1}`)))
        await oursQuery(1)
        await naiveQuery(1)
        return Response.json({ ok: true })
      }
      case '/ours-hit':
        for (let i = 0; i < n; i++) await oursQuery(1)
        return Response.json({ n })
      case '/naive-hit':
        for (let i = 0; i < n; i++) await naiveQuery(1)
        return Response.json({ n })
      case '/ops': {
        const cachedQueries = Number(url.searchParams.get('queries') ?? '50')
        await naive.invalidate('posts')
        await ours.invalidate({ tables: ['posts'] })
        await new Promise((resolve) => setTimeout(resolve, 1100))
        const oursMiss = await measure(() => oursQuery(2))
        const naiveMiss = await measure(() => naiveQuery(2))
        const oursHit = await measure(() => oursQuery(2))
        const naiveHit = await measure(() => naiveQuery(2))
        // Fill many queries one after another (no races), then invalidate the table.
        for (let author = 3; author < 3 + cachedQueries; author++) {
          await oursQuery(author)
          await naiveQuery(author)
        }
        await new Promise((resolve) => setTimeout(resolve, 1100))
        const oursInvalidate = await measure(() => ours.invalidate({ tables: ['posts'] }))
        const naiveInvalidate = await measure(() => naive.invalidate('posts'))
        return Response.json({ cachedQueries, oursMiss, naiveMiss, oursHit, naiveHit, oursInvalidate, naiveInvalidate })
      }
      case '/race': {
        // 20 different queries fill concurrently, then the table is written and invalidated.
        await naive.invalidate('posts')
        await new Promise((resolve) => setTimeout(resolve, 1100))
        const authors = Array.from({ length: 20 }, (_, i) => 100 + i)
        await Promise.all(authors.map((author) => naiveQuery(author)))
        await Promise.all(authors.map((author) => oursQuery(author)))
        await env.DB.prepare("UPDATE posts SET title = 'changed' WHERE author_id >= 100").run()
        await env.DB.prepare('INSERT OR IGNORE INTO posts SELECT id + 1000, author_id + 100, title FROM posts WHERE author_id <= 20').run()
        await naive.invalidate('posts')
        await ours.invalidate({ tables: ['posts'] })
        let naiveStale = 0
        let oursStale = 0
        for (const author of authors) {
          const fresh = JSON.stringify(await load(author)())
          if (JSON.stringify(await naiveQuery(author)) !== fresh) naiveStale++
          if (JSON.stringify(await oursQuery(author)) !== fresh) oursStale++
        }
        return Response.json({ queries: authors.length, naiveStale, oursStale })
      }
    }
    return new Response('not found', { status: 404 })
  },
}
