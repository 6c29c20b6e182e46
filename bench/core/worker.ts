import { createCache } from '@kvcache/core'
import { tableScope } from '@kvcache/core/testing'
import { kvStorage } from '@kvcache/storage-kv'
import { countingKv, opsMeter } from '../lib/counting-kv'

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

// The keys a hit reads, recorded at setup (one isolate serves every bench request).
let floorKeys: string[] = []

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
        // Bump the scope first so its stamp exists in KV, as it does in production once any write
        // happened: the hit then reads two present keys, and so does the floor.
        await cache.invalidate({ scopes: request.scopes })
        await cache.flush()
        await cache.query(request, loader)
        await cache.flush()
        counting.reset()
        await cache.query(request, async () => {
          throw new Error('expected a hit after the fill')
        })
        const keys = counting.lastReadKeys()
        const present = await env.KV.get([...keys], 'text')
        floorKeys = [...keys]
        return Response.json({ keys, present: keys.map((key) => present.get(key) !== null) })
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
      case '/floor': {
        // The one-round-trip floor: the very keys a hit reads, in one bulk get, and JSON.parse of
        // the stored payload (the part after the entry's header line).
        const keys = floorKeys
        const entryKey = keys.find((key) => key.includes(':e:')) as string
        let hits = 0
        for (let i = 0; i < n; i++) {
          const found = await env.KV.get(keys, 'text')
          const raw = found.get(entryKey) as string
          const value = JSON.parse(raw.slice(raw.indexOf('\n') + 1)) as unknown[]
          hits += value.length === rows.length && keys.every((key) => found.get(key) !== null) ? 1 : 0
        }
        return Response.json({ hits })
      }
      case '/ops': {
        const measure = opsMeter(counting, cache)
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
