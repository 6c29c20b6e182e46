// The same Kysely + D1 Worker with the cache, set up as packages/kysely/README.md shows.
import { createCache, type Cache } from '@kvcache/core'
import { kyselyCache } from '@kvcache/kysely/sqlite'
import { kvStorage } from '@kvcache/storage-kv'
import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import type { Database } from './kysely-schema'

interface Env {
  DB: D1Database
  CACHE_KV: KVNamespace
}

let cache: Cache | undefined

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    cache ??= createCache({ storage: kvStorage(env.CACHE_KV), defaultTtlSeconds: 300 })
    const requestCache = cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise) })
    const db = new Kysely<Database>({ dialect: kyselyCache(new D1Dialect({ database: env.DB }), requestCache, { strategy: 'all' }) })
    const id = Number(new URL(request.url).searchParams.get('id') ?? '1')
    if (request.method === 'POST') {
      await db.updateTable('posts').set({ title: 'edited' }).where('id', '=', id).execute()
      return new Response('ok')
    }
    const post = await db
      .selectFrom('posts')
      .innerJoin('users', 'users.id', 'posts.author_id')
      .selectAll('posts')
      .select('users.name')
      .where('posts.id', '=', id)
      .executeTakeFirst()
    return Response.json(post ?? null)
  },
}
