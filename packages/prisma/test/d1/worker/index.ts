import { withKvCache } from '@kvcache/prisma'
import { PrismaD1 } from '@prisma/adapter-d1'
import { models } from './generated/kvcache/models'
import { PrismaClient } from './generated/prisma/client'

interface Env {
  DB: D1Database
  CACHE_KV: KVNamespace
}

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const prisma = new PrismaClient({ adapter: new PrismaD1(env.DB) }).$extends(withKvCache(env.CACHE_KV, ctx, { models }))
    if (request.method === 'POST') {
      const { title } = await request.json<{ title: string }>()
      await prisma.post.create({ data: { title } })
      return new Response(null, { status: 201 })
    }
    const read = prisma.post.findMany({ select: { id: true, title: true }, orderBy: { id: 'asc' }, cacheStrategy: { ttl: 60 } })
    const { data: posts, info } = await read.withAccelerateInfo() // x-cache: what the cache did for this read
    return Response.json(posts, { headers: { 'x-cache': info?.cacheStatus ?? 'none' } }) // x-cache
  },
} satisfies ExportedHandler<Env>
