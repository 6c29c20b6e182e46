// A Kysely + D1 Worker with no cache: the baseline the cached variant is compared with.
import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import type { Database } from './kysely-schema'

interface Env {
  DB: D1Database
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const db = new Kysely<Database>({ dialect: new D1Dialect({ database: env.DB }) })
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
