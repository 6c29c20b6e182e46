import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
interface Database {
  posts: { id: number; title: string }
}
export default {
  async fetch(request: Request, env: { DB: any }) {
    const db = new Kysely<Database>({ dialect: new D1Dialect({ database: env.DB }) })
    const id = Number(new URL(request.url).searchParams.get('id'))
    if (request.method === 'POST') await db.updateTable('posts').set({ title: 'x' }).where('id', '=', id).execute()
    return Response.json(await db.selectFrom('posts').selectAll().where('id', '=', id).execute())
  },
}
