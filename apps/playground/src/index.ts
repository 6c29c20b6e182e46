import { createCache, twoTierStorage, type Cache, type CacheEvent } from '@kvcache/core'
import { drizzleCache } from '@kvcache/drizzle/d1'
import { cacheApiStorage } from '@kvcache/storage-cache-api'
import { kvStorage } from '@kvcache/storage-kv'
import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { handleConsistency, type ConsistencyEnv } from './consistency'
import { dashboardHtml } from './dashboard'
import { badRequest, readBurstSize, readPostId, readTitle } from './input'
import * as schema from './schema'
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

function databases(env: Env, events: CacheEvent[]) {
  // A view per request: its own event listener tells this request's outcome. Fills are awaited
  // (no waitUntil), so every click shows a settled state.
  const requestCache = cacheFor(env).withContext({ onEvent: (event) => events.push(event) })
  const kv = drizzleCache(requestCache, { schema, strategy: 'all', database: 'playground' })
  const counted = countingD1(env.DB, stats)
  return {
    cached: drizzle(kv.d1(counted), { schema, cache: kv }),
    uncached: drizzle(counted, { schema }),
  }
}

type Db = ReturnType<typeof databases>['cached']

async function timed<T>(events: CacheEvent[], work: () => Promise<T>) {
  const started = performance.now()
  const value = await work()
  return { value, ms: performance.now() - started, events }
}

const readPost = (db: Db, id: number) =>
  db.query.posts.findFirst({
    where: eq(schema.posts.id, id),
    with: { author: true, comments: true },
  })

function outcomeOf(events: readonly CacheEvent[]): string {
  const decisive = events.find((event) => event.type === 'hit' || event.type === 'miss' || event.type === 'stale')
  // No event: this read joined an identical one already in flight (de-duplicated).
  return decisive?.type ?? 'shared'
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const consistency = await handleConsistency(request, env)
    if (consistency) return consistency
    await ensureSeeded(env.DB)
    const url = new URL(request.url)
    if (url.pathname === '/prisma' || url.pathname.startsWith('/prisma/')) return prismaRoutes(request, env, url)
    const events: CacheEvent[] = []
    const { cached, uncached } = databases(env, events)
    const id = readPostId(url)
    if (!id.ok) return badRequest(id.error)
    const postId = id.value

    if (url.pathname === '/') return new Response(dashboardHtml, { headers: { 'content-type': 'text/html; charset=utf-8' } })
    if (url.pathname === '/kysely' || url.pathname.startsWith('/kysely/')) {
      const answer = await kyselyRoute(request, url, { cache: cacheFor(env), d1: countingD1(env.DB, stats), stats, postId })
      if (answer) return answer
    }

    if (url.pathname === '/api/read' && request.method === 'GET') {
      stats.state.requests++
      const useCache = url.searchParams.get('cache') !== 'off'
      const result = await timed(events, () => readPost(useCache ? cached : uncached, postId))
      stats.latency(useCache ? 'cached' : 'uncached', result.ms)
      return Response.json({
        outcome: useCache ? outcomeOf(result.events) : 'uncached',
        post: result.value ?? null,
        ms: result.ms,
      })
    }

    if (url.pathname === '/api/write' && request.method === 'POST') {
      stats.state.requests++
      const title = await readTitle(request)
      if (!title.ok) return badRequest(title.error)
      const result = await timed(events, () =>
        cached.update(schema.posts).set({ title: title.value, updatedAt: new Date() }).where(eq(schema.posts.id, postId)),
      )
      const invalidated = result.events.flatMap((event) => (event.type === 'invalidate' ? event.scopes.map((scope) => scope.replace(/^:/, '')) : []))
      return Response.json({ invalidated, ms: result.ms })
    }

    if (url.pathname === '/api/burst' && request.method === 'POST') {
      const burst = readBurstSize(url)
      if (!burst.ok) return badRequest(burst.error)
      const count = burst.value
      stats.state.requests += count
      // Start cold, so the burst shows de-duplication: N identical concurrent misses -> 1 query.
      await cacheFor(env).invalidate({ tags: ['burst'] })
      const before = stats.state.databaseQueries
      const burstRead = () => cached.select().from(schema.posts).where(eq(schema.posts.id, postId)).$withCache({ tag: 'burst' })
      const result = await timed(events, () => Promise.all(Array.from({ length: count }, burstRead)))
      return Response.json({ reads: count, databaseQueries: stats.state.databaseQueries - before, ms: result.ms })
    }

    if (url.pathname === '/api/stats') return Response.json(stats.snapshot())

    if (url.pathname === '/api/reset' && request.method === 'POST') {
      stats.reset()
      return Response.json({ ok: true })
    }

    return new Response('Not found', { status: 404 })
  },
}
