import { kyselyKv } from '@kvcache/kysely/sqlite'
import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import type { Database } from './schema'

interface Env {
  DB: D1Database
  CACHE_KV: KVNamespace
}

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const events: string[] = [] // x-cache: what the cache did for this request
    const dialect = kyselyKv(new D1Dialect({ database: env.DB }), env.CACHE_KV, ctx, { strategy: 'all', onEvent: (event) => events.push(event.type) })
    const db = new Kysely<Database>({ dialect })
    if (request.method === 'POST') {
      const { title } = await request.json<{ title: string }>()
      await db.insertInto('posts').values({ title }).execute()
      return new Response(null, { status: 201 })
    }
    const posts = await db.selectFrom('posts').selectAll().orderBy('id').execute()
    return Response.json(posts, { headers: { 'x-cache': events.includes('hit') ? 'hit' : 'miss' } }) // x-cache
  },
} satisfies ExportedHandler<Env>
