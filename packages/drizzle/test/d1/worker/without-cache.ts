import { drizzle } from 'drizzle-orm/d1'
import * as schema from './schema'

interface Env {
  DB: D1Database
}

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const db = drizzle(env.DB, { schema })
    if (request.method === 'POST') {
      const { title } = await request.json<{ title: string }>()
      await db.insert(schema.posts).values({ title })
      return new Response(null, { status: 201 })
    }
    const posts = await db.select().from(schema.posts).orderBy(schema.posts.id)
    return Response.json(posts)
  },
} satisfies ExportedHandler<Env>
