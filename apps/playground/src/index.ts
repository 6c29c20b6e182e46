import { createCache, twoTierStorage, type Cache } from '@kvcache/core'
import { cacheApiStorage } from '@kvcache/storage-cache-api'
import { kvStorage } from '@kvcache/storage-kv'
import { handleConsistency, type ConsistencyEnv } from './consistency'
import { dashboardHtml } from './dashboard'
import { drizzleRoute } from './drizzle-routes'
import { kyselyRoute } from './kysely-routes'
import { prismaRoutes } from './prisma/routes'
import { ensureSeeded } from './seed'
import { countingD1, countingKv, createStats } from './stats'

// The coordinator's Durable Object class, for the consistency demo (`/consistency`).
export { KvCacheCoordinator } from '@kvcache/coordinator'

interface Env extends ConsistencyEnv {
  DB: D1Database
  CACHE_KV: KVNamespace
}

const stats = createStats()
let cache: Cache | undefined

function cacheFor(env: Env): Cache {
  // One cache per isolate: Cache API as L1, KV as L2 (and home of the version stamps).
  cache ??= createCache({
    storage: twoTierStorage({ l1: cacheApiStorage({ cacheName: 'kvcache-playground' }), l2: kvStorage(countingKv(env.CACHE_KV, stats)) }),
    defaultTtlSeconds: 300,
    onEvent: (event) => stats.record(event),
  })
  return cache
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const consistency = await handleConsistency(request, env)
    if (consistency) return consistency
    await ensureSeeded(env.DB)
    const url = new URL(request.url)
    if (url.pathname === '/prisma' || url.pathname.startsWith('/prisma/')) return prismaRoutes(request, env, ctx, url)
    if (url.pathname === '/') return new Response(dashboardHtml, { headers: { 'content-type': 'text/html; charset=utf-8' } })
    if (url.pathname === '/kysely' || url.pathname.startsWith('/kysely/')) {
      const answer = await kyselyRoute(request, url, { cache: cacheFor(env), ctx, d1: countingD1(env.DB, stats), stats })
      if (answer) return answer
    }
    const answer = await drizzleRoute(request, url, { cache: cacheFor(env), ctx, db: env.DB, stats })
    if (answer) return answer

    return new Response('Not found', { status: 404 })
  },
}
