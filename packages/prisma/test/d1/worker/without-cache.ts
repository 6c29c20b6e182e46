import { PrismaD1 } from '@prisma/adapter-d1'
import { PrismaClient } from './generated/prisma/client'

interface Env {
  DB: D1Database
}

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const prisma = new PrismaClient({ adapter: new PrismaD1(env.DB) })
    if (request.method === 'POST') {
      const { title } = await request.json<{ title: string }>()
      await prisma.post.create({ data: { title } })
      return new Response(null, { status: 201 })
    }
    const posts = await prisma.post.findMany({ select: { id: true, title: true }, orderBy: { id: 'asc' } })
    return Response.json(posts)
  },
} satisfies ExportedHandler<Env>
