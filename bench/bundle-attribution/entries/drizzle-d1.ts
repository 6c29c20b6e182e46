import { createCache, type Cache } from '@kvcache/core'
import { drizzleCache } from '@kvcache/drizzle/d1'
import { kvStorage } from '@kvcache/storage-kv'
import { drizzle } from 'drizzle-orm/d1'
import { eq } from 'drizzle-orm'
import * as schema from './schema'
let cache: Cache | undefined
export default {
  async fetch(request: Request, env: { DB: any; KV: any }, ctx: { waitUntil(p: Promise<unknown>): void }) {
    cache ??= createCache({ storage: kvStorage(env.KV), defaultTtlSeconds: 300 })
    const kv = drizzleCache(cache.withContext({ waitUntil: (p) => ctx.waitUntil(p) }), { schema, strategy: 'all' })
    const db = drizzle(kv.d1(env.DB), { schema, cache: kv })
    const id = Number(new URL(request.url).searchParams.get('id'))
    if (request.method === 'POST') await db.update(schema.posts).set({ title: 'x' }).where(eq(schema.posts.id, id))
    return Response.json(await db.select().from(schema.posts).where(eq(schema.posts.id, id)))
  },
}
