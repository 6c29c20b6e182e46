// The Kysely page's routes: the same D1 data and cache as the Drizzle dashboard, through kyselyCache().
import type { Cache, CacheEvent, CacheEventHandler } from '@kvcache/core'
import { kyselyCache } from '@kvcache/kysely/sqlite'
import { Kysely, type Generated } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import { createBindingMetrics, withStatusHeader } from './binding-metrics'
import { badRequest, readPostId, readTitle } from './input'
import { kyselyPageHtml } from './kysely-page'
import { settlingWaitUntil } from './settle'
import type { Stats } from './stats'

interface Database {
  users: { id: number; name: string }
  posts: { id: number; author_id: number; title: string; body: string; updated_at: number }
  comments: { id: Generated<number>; post_id: number; body: string }
}

type Db = Kysely<Database>

export interface KyselyRouteContext {
  readonly cache: Cache
  readonly ctx: ExecutionContext
  readonly d1: D1Database
  readonly stats: Stats
}

/** This page's requests only (the Drizzle page shares the cache but counts its own). */
const metrics = createBindingMetrics('kysely')

function databases(context: KyselyRouteContext, onEvent: CacheEventHandler, waitUntil: (promise: Promise<unknown>) => void) {
  const requestCache = context.cache.withContext({ onEvent, waitUntil })
  const dialect = kyselyCache(new D1Dialect({ database: context.d1 }), requestCache, { strategy: 'all', database: 'playground' })
  return { cached: new Kysely<Database>({ dialect }), uncached: new Kysely<Database>({ dialect: new D1Dialect({ database: context.d1 }) }) }
}

// One query, three tables: the post, its author (JOIN) and its comment count (subquery in SELECT).
const readPost = (db: Db, id: number) =>
  db
    .selectFrom('posts')
    .innerJoin('users', 'users.id', 'posts.author_id')
    .select((eb) => [
      'posts.id',
      'posts.title',
      'users.name as author',
      eb.selectFrom('comments').select(eb.fn.countAll<number>().as('n')).whereRef('comments.post_id', '=', 'posts.id').as('comments'),
    ])
    .where('posts.id', '=', id)

const outcomeOf = (events: readonly CacheEvent[]) =>
  events.find((event) => event.type === 'hit' || event.type === 'miss' || event.type === 'stale')?.type ?? 'shared'

const invalidatedBy = (events: readonly CacheEvent[]) =>
  events.flatMap((event) => (event.type === 'invalidate' ? event.scopes.map((scope) => scope.replace(/^:/, '')) : []))

/** Answers `/kysely` and `/kysely/api/*` (with the request's `x-kvcache` header), or undefined for any other path. */
export async function kyselyRoute(request: Request, url: URL, context: KyselyRouteContext): Promise<Response | undefined> {
  if (url.pathname === '/kysely') return new Response(kyselyPageHtml, { headers: { 'content-type': 'text/html; charset=utf-8' } })
  if (!url.pathname.startsWith('/kysely/api/')) return undefined
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
  context: KyselyRouteContext,
  { cached, uncached }: ReturnType<typeof databases>,
  events: readonly CacheEvent[],
): Promise<Response | undefined> {
  const id = readPostId(url)
  if (!id.ok) return badRequest(id.error)
  const postId = id.value
  const started = performance.now()
  const elapsed = () => performance.now() - started
  if (url.pathname === '/kysely/api/read' && request.method === 'GET') {
    context.stats.state.requests++
    const useCache = url.searchParams.get('cache') !== 'off'
    const query = readPost(useCache ? cached : uncached, postId)
    const post = (await query.executeTakeFirst()) ?? null
    const ms = elapsed()
    context.stats.latency(useCache ? 'cached' : 'uncached', ms)
    return Response.json({ outcome: useCache ? outcomeOf(events) : 'uncached', post, sql: query.compile().sql, ms })
  }
  if (url.pathname === '/kysely/api/write' && request.method === 'POST') {
    context.stats.state.requests++
    const title = await readTitle(request)
    if (!title.ok) return badRequest(title.error)
    await cached.updateTable('posts').set({ title: title.value, updated_at: Date.now() }).where('id', '=', postId).execute()
    return Response.json({ invalidated: invalidatedBy(events), ms: elapsed() })
  }
  if (url.pathname === '/kysely/api/comment' && request.method === 'POST') {
    context.stats.state.requests++
    await cached.insertInto('comments').values({ post_id: postId, body: 'A comment from the Kysely page' }).execute()
    return Response.json({ invalidated: invalidatedBy(events), ms: elapsed() })
  }
  if (url.pathname === '/kysely/api/metrics') return Response.json(metrics.snapshot())
  // Resets this page's metrics only: the counters above them are shared with the Drizzle page (its /api/reset).
  if (url.pathname === '/kysely/api/reset' && request.method === 'POST') {
    metrics.reset()
    return Response.json({ ok: true })
  }
  return undefined
}
