import { drizzleKv } from '@kvcache/drizzle/d1'
import { drizzle } from 'drizzle-orm/d1'
import * as schema from './schema'

interface Env {
  DB: D1Database
  CACHE_KV: KVNamespace
}

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const events: string[] = [] // x-cache: what the cache did for this request
    const kv = drizzleKv(env.CACHE_KV, ctx, { schema, strategy: 'all', onEvent: (event) => events.push(event.type) })
    const db = drizzle(kv.d1(env.DB), { schema, cache: kv })
    if (request.method === 'POST') {
      const { title } = await request.json<{ title: string }>()
      await db.insert(schema.posts).values({ title })
      return new Response(null, { status: 201 })
    }
    const posts = await db.select().from(schema.posts).orderBy(schema.posts.id)
    return Response.json(posts, { headers: { 'x-cache': events.includes('hit') ? 'hit' : 'miss' } }) // x-cache
  },
} satisfies ExportedHandler<Env>
