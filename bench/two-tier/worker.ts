import { createCache, twoTierStorage, type Storage } from '@kvcache/core'
import { cacheApiStorage } from '@kvcache/storage-cache-api'
import { kvStorage } from '@kvcache/storage-kv'

interface Env {
  KV: KVNamespace
  DB: D1Database
}

function counting(inner: Storage) {
  const calls = { get: 0, getMany: 0, set: 0 }
  const storage: Storage = {
    ...inner,
    get: (key, context) => {
      calls.get++
      return inner.get(key, context)
    },
    ...(inner.getMany
      ? {
          getMany: (keys: readonly string[]) => {
            calls.getMany++
            return inner.getMany!(keys)
          },
        }
      : {}),
    set: (key, value, options) => {
      calls.set++
      return inner.set(key, value, options)
    },
  }
  return { storage, calls, reset: () => Object.assign(calls, { get: 0, getMany: 0, set: 0 }) }
}

const SQL = 'SELECT id, title, body, author_id FROM posts ORDER BY id DESC LIMIT 20'
const query = { material: ['d1', SQL], scopes: ['table:posts'], ttlSeconds: 300 }

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url)
    const n = Number(url.searchParams.get('n') ?? '200')
    const loadFromDb = async () => (await env.DB.prepare(SQL).all()).results

    const l1 = counting(cacheApiStorage({ cacheName: 'bench-l1' }))
    const l2 = counting(kvStorage(env.KV))
    const both = createCache({ storage: twoTierStorage({ l1: l1.storage, l2: l2.storage }), prefix: 'tt' })
    // Same entries, but an L1 that is never filled: every hit comes from L2.
    const emptyL1 = counting(cacheApiStorage({ cacheName: 'bench-empty-l1' }))
    const l2Only = createCache({
      storage: twoTierStorage({ l1: emptyL1.storage, l2: l2.storage, promoteOnGet: false }),
      prefix: 'tt',
    })
    const loop = async (read: () => Promise<unknown>) => {
      for (let i = 0; i < n; i++) await read()
      return Response.json({ n })
    }

    switch (url.pathname) {
      case '/setup': {
        await env.DB.exec('CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, title TEXT, body TEXT, author_id INTEGER)')
        const count = await env.DB.prepare('SELECT count(*) AS c FROM posts').first<{ c: number }>()
        if (!count?.c) {
          const insert = env.DB.prepare('INSERT INTO posts (id, title, body, author_id) VALUES (?, ?, ?, ?)')
          await env.DB.batch(Array.from({ length: 200 }, (_, i) => insert.bind(i + 1, `Post ${i + 1}`, 'Lorem ipsum dolor sit amet. '.repeat(8), (i % 9) + 1)))
        }
        await both.query(query, loadFromDb)
        return Response.json({ ok: true })
      }
      case '/l1':
        return loop(() => both.query(query, loadFromDb))
      case '/l2':
        return loop(() => l2Only.query(query, loadFromDb))
      case '/db':
        return loop(loadFromDb)
      case '/ops': {
        const measure = async (read: () => Promise<unknown>) => {
          l1.reset()
          l2.reset()
          emptyL1.reset()
          await read()
          return { l1: { ...l1.calls, get: l1.calls.get + emptyL1.calls.get }, l2: { ...l2.calls } }
        }
        const l1Hit = await measure(() => both.query(query, loadFromDb))
        const l2Hit = await measure(() => l2Only.query(query, loadFromDb))
        const miss = await measure(() => both.query({ ...query, material: ['d1', SQL, crypto.randomUUID()] }, loadFromDb))
        return Response.json({ l1Hit, l2Hit, miss })
      }
    }
    return new Response('not found', { status: 404 })
  },
}
