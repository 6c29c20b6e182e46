// A Drizzle + D1 Worker with no cache: the baseline the cached variant is compared with.
import { drizzle } from 'drizzle-orm/d1'
import { eq } from 'drizzle-orm'
import * as schema from './schema'

interface Env {
  DB: D1Database
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const db = drizzle(env.DB, { schema })
    const id = Number(new URL(request.url).searchParams.get('id') ?? '1')
    if (request.method === 'POST') {
      await db.update(schema.posts).set({ title: 'edited' }).where(eq(schema.posts.id, id))
      return new Response('ok')
    }
    const post = await db.query.posts.findFirst({ where: eq(schema.posts.id, id), with: { author: true, comments: true } })
    return Response.json(post ?? null)
  },
}
