import { createCache, tableScope } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { countingKv } from '../lib/counting-kv'

interface Env {
  KV: KVNamespace
}

// A realistic list-query result: 50 rows with a date and a bigint, as an ORM returns them.
const rows = Array.from({ length: 50 }, (_, i) => ({
  id: i + 1,
  title: `Post number ${i + 1}`,
  body: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(4),
  authorId: (i % 7) + 1,
  published: i % 3 !== 0,
  views: 1000 + i * 13,
}))

const request = { material: ['bench', 'select * from posts limit 50'], scopes: [tableScope('posts')], ttlSeconds: 300 }

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const url = new URL(req.url)
    const n = Number(url.searchParams.get('n') ?? '200')
    const counting = countingKv(env.KV)
    const cache = createCache({ storage: kvStorage(counting.kv) })
    const loader = async () => rows

    switch (url.pathname) {
      case '/setup': {
        await env.KV.put('raw:posts', JSON.stringify(rows))
        await env.KV.put('raw:stamp', '0')
        await cache.query(request, loader)
        return Response.json({ ok: true })
      }
      case '/hit': {
        let hits = 0
        for (let i = 0; i < n; i++) {
          const value = await cache.query(request, async () => {
            throw new Error('expected a hit')
          })
          hits += value.length === rows.length ? 1 : 0
        }
        return Response.json({ hits })
      }
      case '/raw': {
        let hits = 0
        for (let i = 0; i < n; i++) {
          const value = JSON.parse((await env.KV.get('raw:posts')) as string) as unknown[]
          hits += value.length === rows.length ? 1 : 0
        }
        return Response.json({ hits })
      }
      case '/rawbulk': {
        let hits = 0
        for (let i = 0; i < n; i++) {
          const found = await env.KV.get(['raw:posts', 'raw:stamp'], 'text')
          const value = JSON.parse(found.get('raw:posts') as string) as unknown[]
          hits += value.length === rows.length ? 1 : 0
        }
        return Response.json({ hits })
      }
      case '/ops': {
        const measure = async (work: () => Promise<unknown>) => {
          counting.reset()
          await work()
          await cache.flush()
          return { ...counting.counts }
        }
        const hit = await measure(() => cache.query(request, loader))
        const miss = await measure(() => cache.query({ ...request, material: ['bench', crypto.randomUUID()] }, loader))
        const invalidateOne = await measure(() => cache.invalidate({ tables: [`t${crypto.randomUUID()}`] }))
        const invalidateThree = await measure(() =>
          cache.invalidate({ tables: [`a${crypto.randomUUID()}`, `b${crypto.randomUUID()}`, `c${crypto.randomUUID()}`] }),
        )
        return Response.json({ hit, miss, invalidateOne, invalidateThree })
      }
    }
    return new Response('not found', { status: 404 })
  },
}
