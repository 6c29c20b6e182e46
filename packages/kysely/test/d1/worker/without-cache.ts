import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import type { Database } from './schema'

interface Env {
  DB: D1Database
}

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const dialect = new D1Dialect({ database: env.DB })
    const db = new Kysely<Database>({ dialect })
    if (request.method === 'POST') {
      const { title } = await request.json<{ title: string }>()
      await db.insertInto('posts').values({ title }).execute()
      return new Response(null, { status: 201 })
    }
    const posts = await db.selectFrom('posts').selectAll().orderBy('id').execute()
    return Response.json(posts)
  },
} satisfies ExportedHandler<Env>
