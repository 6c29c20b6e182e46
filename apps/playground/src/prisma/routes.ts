// The Prisma page: the same dashboard and D1 data as the Drizzle page, read through
// `@kvcache/prisma` with Accelerate's API (`cacheStrategy`, `.withAccelerateInfo()`).
import { createCache, twoTierStorage, type Cache, type CacheEvent, type CacheEventHandler } from '@kvcache/core'
import { prismaCodecs, withKvCache } from '@kvcache/prisma'
import { cacheApiStorage } from '@kvcache/storage-cache-api'
import { kvStorage } from '@kvcache/storage-kv'
import { PrismaD1 } from '@prisma/adapter-d1'
import { createBindingMetrics, withStatusHeader } from '../binding-metrics'
import { dashboardHtml } from '../dashboard'
import { Prisma, PrismaClient } from '../generated/prisma/client'
import { models } from '../generated/kvcache/models.js'
import { badRequest, readBurstSize, readPostId, readTitle } from '../input'
import { settlingWaitUntil } from '../settle'
import { countingD1, countingKv, createStats } from '../stats'

interface Env {
  DB: D1Database
  CACHE_KV: KVNamespace
}

const stats = createStats()
const metrics = createBindingMetrics('prisma')
let cache: Cache | undefined

// The Drizzle page's dashboard, pointed at this page's routes.
const pageHtml = dashboardHtml
  .replaceAll("fetch('/api/", "fetch('/prisma/api/")
  .replace('<title>@kvcache playground</title>', '<title>@kvcache playground: Prisma</title>')
  .replace('<h1>@kvcache playground</h1>', '<h1>@kvcache playground: Prisma</h1>')
  .replace('Drizzle on D1,', 'Prisma (<code>cacheStrategy</code>, <code>.withAccelerateInfo()</code>) on the same D1 data,')
  .replace('<h2>Drizzle cache</h2>', '<h2>Prisma cache</h2>')

function client(env: Env, onEvent: CacheEventHandler, waitUntil: (promise: Promise<unknown>) => void) {
  // Same storage and stamps as the Drizzle page: a write on either page invalidates both.
  cache ??= createCache({
    storage: twoTierStorage({ l1: cacheApiStorage({ cacheName: 'kvcache-playground' }), l2: kvStorage(countingKv(env.CACHE_KV, stats)) }),
    defaultTtlSeconds: 300,
    onEvent: (event) => stats.record(event),
    codecExtensions: prismaCodecs(Prisma),
  })
  const prisma = new PrismaClient({ adapter: new PrismaD1(countingD1(env.DB, stats)) })
  return prisma.$extends(withKvCache(cache.withContext({ onEvent, waitUntil }), { models, database: 'playground' }))
}

const STATUS_BADGE = { ttl: 'hit', swr: 'stale', miss: 'miss', none: 'uncached' } as const

/** Routes under `/prisma` (`/prisma/api/*` with the request's `x-kvcache` header); anything else is not ours. */
export async function prismaRoutes(request: Request, env: Env, ctx: ExecutionContext, url: URL): Promise<Response> {
  const path = url.pathname.slice('/prisma'.length) || '/'
  if (!path.startsWith('/api/')) return path === '/' ? new Response(pageHtml, { headers: { 'content-type': 'text/html; charset=utf-8' } }) : notFound()
  const events: CacheEvent[] = []
  const metering = metrics.request((event) => events.push(event))
  const background = settlingWaitUntil(ctx)
  const answer = await answerApi(request, url, path, client(env, metering.onEvent, background.waitUntil), events)
  await background.settled()
  return withStatusHeader(answer, metering)
}

async function answerApi(request: Request, url: URL, path: string, prisma: ReturnType<typeof client>, events: readonly CacheEvent[]): Promise<Response> {
  const id = readPostId(url)
  if (!id.ok) return badRequest(id.error)
  const postId = id.value
  const started = performance.now()
  const elapsed = () => performance.now() - started

  if (path === '/api/read' && request.method === 'GET') {
    stats.state.requests++
    const useCache = url.searchParams.get('cache') !== 'off'
    const args = { where: { id: postId }, select: { id: true, title: true, body: true, author: true, comments: true } }
    const { data, info } = await prisma.post.findFirst(useCache ? { ...args, cacheStrategy: { ttl: 300 } } : args).withAccelerateInfo()
    const ms = elapsed()
    stats.latency(useCache ? 'cached' : 'uncached', ms)
    // `info` is Accelerate's: ttl (fresh hit), swr (stale hit), miss, none (not cached).
    return Response.json({ outcome: info ? STATUS_BADGE[info.cacheStatus] : 'shared', cacheStatus: info?.cacheStatus ?? null, post: data, ms })
  }

  if (path === '/api/write' && request.method === 'POST') {
    stats.state.requests++
    const title = await readTitle(request)
    if (!title.ok) return badRequest(title.error)
    await prisma.post.update({ where: { id: postId }, data: { title: title.value, updatedAt: BigInt(Date.now()) }, select: { id: true } })
    const invalidated = events.flatMap((event) => (event.type === 'invalidate' ? event.scopes.map((scope) => scope.replace(/^:/, '')) : []))
    return Response.json({ invalidated, ms: elapsed() })
  }

  if (path === '/api/burst' && request.method === 'POST') {
    const burst = readBurstSize(url)
    if (!burst.ok) return badRequest(burst.error)
    stats.state.requests += burst.value
    // Start cold, so the burst shows de-duplication: N identical concurrent misses -> 1 query.
    await prisma.$accelerate.invalidate({ tags: ['burst'] })
    const before = stats.state.databaseQueries
    const read = () => prisma.post.findFirst({ where: { id: postId }, cacheStrategy: { ttl: 300, tags: ['burst'] } })
    await Promise.all(Array.from({ length: burst.value }, read))
    return Response.json({ reads: burst.value, databaseQueries: stats.state.databaseQueries - before, ms: elapsed() })
  }

  if (path === '/api/stats') return Response.json(stats.snapshot())

  if (path === '/api/metrics') return Response.json(metrics.snapshot())

  if (path === '/api/reset' && request.method === 'POST') {
    stats.reset()
    metrics.reset()
    return Response.json({ ok: true })
  }

  return notFound()
}

const notFound = () => new Response('Not found', { status: 404 })
