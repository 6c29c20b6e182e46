// The same Drizzle + D1 Worker with the cache, set up as packages/drizzle/README.md shows.
import { createCache, type Cache } from '@kvcache/core'
import { drizzleCache } from '@kvcache/drizzle/d1'
import { kvStorage } from '@kvcache/storage-kv'
import { drizzle } from 'drizzle-orm/d1'
import { eq } from 'drizzle-orm'
import * as schema from './schema'

interface Env {
  DB: D1Database
  CACHE_KV: KVNamespace
}

let cache: Cache | undefined

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    cache ??= createCache({ storage: kvStorage(env.CACHE_KV), defaultTtlSeconds: 300 })
    const kv = drizzleCache(cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise) }), { schema, strategy: 'all' })
    const db = drizzle(kv.d1(env.DB), { schema, cache: kv })
    const id = Number(new URL(request.url).searchParams.get('id') ?? '1')
    if (request.method === 'POST') {
      await db.update(schema.posts).set({ title: 'edited' }).where(eq(schema.posts.id, id))
      return new Response('ok')
    }
    const post = await db.query.posts.findFirst({ where: eq(schema.posts.id, id), with: { author: true, comments: true } })
    return Response.json(post ?? null)
  },
}
