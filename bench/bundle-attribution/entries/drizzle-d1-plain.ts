import { drizzle } from 'drizzle-orm/d1'
import { eq } from 'drizzle-orm'
import * as schema from './schema'
export default {
  async fetch(request: Request, env: { DB: any }) {
    const db = drizzle(env.DB, { schema })
    const id = Number(new URL(request.url).searchParams.get('id'))
    if (request.method === 'POST') await db.update(schema.posts).set({ title: 'x' }).where(eq(schema.posts.id, id))
    return Response.json(await db.select().from(schema.posts).where(eq(schema.posts.id, id)))
  },
}
