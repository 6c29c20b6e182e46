// A Prisma + D1 Worker with no cache: the baseline the cached variant is compared with. The client
// is generated from the same blog schema (prisma-client.mjs) into bench/bundle-size/.generated.
import { PrismaD1 } from '@prisma/adapter-d1'
import { PrismaClient } from '../.generated/client/client'

interface Env {
  DB: D1Database
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const prisma = new PrismaClient({ adapter: new PrismaD1(env.DB) })
    const id = Number(new URL(request.url).searchParams.get('id') ?? '1')
    if (request.method === 'POST') {
      await prisma.post.update({ where: { id }, data: { title: 'edited' } })
      return new Response('ok')
    }
    const post = await prisma.post.findUnique({ where: { id }, include: { author: true, comments: true } })
    return Response.json(post)
  },
}
