import { createCache, type Cache } from '@kvcache/core'
import { prismaCodecs, withKvCache } from '@kvcache/prisma'
import { kvStorage } from '@kvcache/storage-kv'
import { PrismaD1 } from '@prisma/adapter-d1'
import { Prisma, PrismaClient } from './generated/prisma/client'
import { models } from './generated/kvcache/models'

interface Env {
  DB: D1Database
  CACHE_KV: KVNamespace
}

// One cache per isolate; a client per request (cheap) with that request's waitUntil.
let cache: Cache | undefined

export function database(env: Env, ctx: ExecutionContext) {
  cache ??= createCache({
    storage: kvStorage(env.CACHE_KV),
    codecExtensions: prismaCodecs(Prisma),
    // What the cache did. Setup mistakes arrive as `misconfigured` (with no listener, they are logged once).
    onEvent: (event) => {
      if (event.type === 'misconfigured') console.warn(`[kvcache] ${event.problem} ${event.fix}`)
      if (event.type === 'hit' || event.type === 'miss') console.debug(`[kvcache] ${event.type} ${event.key}`)
    },
  })
  const perRequest = cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise) })
  return new PrismaClient({ adapter: new PrismaD1(env.DB) }).$extends(withKvCache(perRequest, { models }))
}
