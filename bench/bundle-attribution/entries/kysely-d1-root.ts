import { createCache, type Cache } from '@kvcache/core'
import { kyselyCache } from '@kvcache/kysely'
import { kvStorage } from '@kvcache/storage-kv'
import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
interface Database {
  posts: { id: number; title: string }
}
let cache: Cache | undefined
export default {
  async fetch(request: Request, env: { DB: any; KV: any }, ctx: { waitUntil(p: Promise<unknown>): void }) {
    cache ??= createCache({ storage: kvStorage(env.KV), defaultTtlSeconds: 300 })
    const requestCache = cache.withContext({ waitUntil: (p) => ctx.waitUntil(p) })
    const db = new Kysely<Database>({ dialect: kyselyCache(new D1Dialect({ database: env.DB }), requestCache, { strategy: 'all' }) })
    const id = Number(new URL(request.url).searchParams.get('id'))
    if (request.method === 'POST') await db.updateTable('posts').set({ title: 'x' }).where('id', '=', id).execute()
    return Response.json(await db.selectFrom('posts').selectAll().where('id', '=', id).execute())
  },
}
