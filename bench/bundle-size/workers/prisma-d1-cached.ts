// The same Prisma + D1 Worker with the cache, set up as packages/prisma/README.md shows.
import { createCache, type Cache } from '@kvcache/core'
import { prismaCodecs, withKvCache } from '@kvcache/prisma'
import { kvStorage } from '@kvcache/storage-kv'
import { PrismaD1 } from '@prisma/adapter-d1'
import { Prisma, PrismaClient } from '../.generated/client/client'
import { models } from '../.generated/kvcache/models'

interface Env {
  DB: D1Database
  CACHE_KV: KVNamespace
}

let cache: Cache | undefined

function database(env: Env, ctx: ExecutionContext) {
  cache ??= createCache({
    storage: kvStorage(env.CACHE_KV),
    codecExtensions: prismaCodecs(Prisma),
    onEvent: (event) => {
      if (event.type === 'misconfigured') console.warn(`[kvcache] ${event.problem} ${event.fix}`)
      if (event.type === 'hit' || event.type === 'miss') console.debug(`[kvcache] ${event.type} ${event.key}`)
    },
  })
  const perRequest = cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise) })
  return new PrismaClient({ adapter: new PrismaD1(env.DB) }).$extends(withKvCache(perRequest, { models }))
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const prisma = database(env, ctx)
    const id = Number(new URL(request.url).searchParams.get('id') ?? '1')
    if (request.method === 'POST') {
      await prisma.post.update({ where: { id }, data: { title: 'edited' } })
      return new Response('ok')
    }
    const post = await prisma.post.findUnique({ where: { id }, include: { author: true, comments: true }, cacheStrategy: { ttl: 300 } })
    return Response.json(post)
  },
}
