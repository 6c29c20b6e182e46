// The Drizzle dashboard's routes (`/api/*`): post reads through drizzleCache(), the write that
// invalidates them, the burst, and the counters the page polls.
import type { Cache, CacheEvent, CacheEventHandler } from '@kvcache/core'
import { drizzleCache } from '@kvcache/drizzle/d1'
import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { createBindingMetrics, withStatusHeader } from './binding-metrics'
import { badRequest, readBurstSize, readPostId, readTitle } from './input'
import * as schema from './schema'
import { settlingWaitUntil } from './settle'
import { countingD1, type Stats } from './stats'

export interface DrizzleRouteContext {
  readonly cache: Cache
  readonly ctx: ExecutionContext
  readonly db: D1Database
  readonly stats: Stats
}

/** This page's requests only (the Kysely page shares the cache but counts its own). */
const metrics = createBindingMetrics('drizzle')

function databases(context: DrizzleRouteContext, onEvent: CacheEventHandler, waitUntil: (promise: Promise<unknown>) => void) {
  // A view per request: its own event listener tells this request's outcome.
  const requestCache = context.cache.withContext({ onEvent, waitUntil })
  const kv = drizzleCache(requestCache, { schema, strategy: 'all', database: 'playground' })
  const counted = countingD1(context.db, context.stats)
  return {
    requestCache,
    cached: drizzle(kv.d1(counted), { schema, cache: kv }),
    uncached: drizzle(counted, { schema }),
  }
}

type Db = ReturnType<typeof databases>['cached']

async function timed<T>(work: () => Promise<T>) {
  const started = performance.now()
  const value = await work()
  return { value, ms: performance.now() - started }
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

/** Answers `/api/*` with the request's `x-kvcache` header, or undefined for a path that is not a Drizzle route. */
export async function drizzleRoute(request: Request, url: URL, context: DrizzleRouteContext): Promise<Response | undefined> {
  if (!url.pathname.startsWith('/api/')) return undefined
  const events: CacheEvent[] = []
  const metering = metrics.request((event) => events.push(event))
  const background = settlingWaitUntil(context.ctx)
  const answer = await answerApi(request, url, context, databases(context, metering.onEvent, background.waitUntil), events)
  await background.settled()
  return answer && withStatusHeader(answer, metering)
}

async function answerApi(
  request: Request,
  url: URL,
  { stats }: DrizzleRouteContext,
  { requestCache, cached, uncached }: ReturnType<typeof databases>,
  events: readonly CacheEvent[],
): Promise<Response | undefined> {
  const id = readPostId(url)
  if (!id.ok) return badRequest(id.error)
  const postId = id.value
  if (url.pathname === '/api/read' && request.method === 'GET') {
    stats.state.requests++
    const useCache = url.searchParams.get('cache') !== 'off'
    const result = await timed(() => readPost(useCache ? cached : uncached, postId))
    stats.latency(useCache ? 'cached' : 'uncached', result.ms)
    return Response.json({ outcome: useCache ? outcomeOf(events) : 'uncached', post: result.value ?? null, ms: result.ms })
  }

  if (url.pathname === '/api/write' && request.method === 'POST') {
    stats.state.requests++
    const title = await readTitle(request)
    if (!title.ok) return badRequest(title.error)
    const result = await timed(() => cached.update(schema.posts).set({ title: title.value, updatedAt: new Date() }).where(eq(schema.posts.id, postId)))
    const invalidated = events.flatMap((event) => (event.type === 'invalidate' ? event.scopes.map((scope) => scope.replace(/^:/, '')) : []))
    return Response.json({ invalidated, ms: result.ms })
  }

  if (url.pathname === '/api/burst' && request.method === 'POST') {
    const burst = readBurstSize(url)
    if (!burst.ok) return badRequest(burst.error)
    const count = burst.value
    stats.state.requests += count
    // Start cold, so the burst shows de-duplication: N identical concurrent misses -> 1 query.
    await requestCache.invalidate({ tags: ['burst'] })
    const before = stats.state.databaseQueries
    const burstRead = () => cached.select().from(schema.posts).where(eq(schema.posts.id, postId)).$withCache({ tag: 'burst' })
    const result = await timed(() => Promise.all(Array.from({ length: count }, burstRead)))
    return Response.json({ reads: count, databaseQueries: stats.state.databaseQueries - before, ms: result.ms })
  }

  if (url.pathname === '/api/stats') return Response.json(stats.snapshot())

  if (url.pathname === '/api/metrics') return Response.json(metrics.snapshot())

  if (url.pathname === '/api/reset' && request.method === 'POST') {
    stats.reset()
    metrics.reset()
    return Response.json({ ok: true })
  }

  return undefined
}
