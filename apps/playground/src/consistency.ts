// The consistency demo: one row written in location A and read in location B, with version stamps
// in KV (eventual) or in the Durable Object coordinator (strong), side by side.
import { createCache, type Cache, type CacheEvent, type Storage } from '@kvcache/core'
import { durableObjectVersions, type CoordinatorNamespaceLike, type KvCacheCoordinator } from '@kvcache/coordinator'
import { drizzleCache } from '@kvcache/drizzle/d1'
import { kvStorage } from '@kvcache/storage-kv'
import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { consistencyHtml } from './consistency-page'
import { edgeLocation } from './edge-location'
import { badRequest, readTitle, type Parsed } from './input'

export interface ConsistencyEnv {
  DB: D1Database
  CACHE_KV: KVNamespace
  KVCACHE_COORDINATOR: DurableObjectNamespace<KvCacheCoordinator>
}

/** How long location B's KV edge cache keeps a value here (production KV: up to 60 s). */
export const LAG_SECONDS = 30
const ROW_ID = 1
const notes = sqliteTable('consistency_demo', { id: integer('id').primaryKey(), title: text('title').notNull() })
const schema = { notes }
type Mode = 'kv' | 'coordinator'
type Counts = { kvReads: number; kvWrites: number; coordinatorReads: number; coordinatorBumps: number }

/** Counts calls as billed (KV bills every read, edge-cached or not). */
function countedKv(inner: Storage, counts: Counts): Storage {
  return {
    ...inner,
    get: (key, context) => (counts.kvReads++, inner.get(key, context)),
    getMany: (keys, context) => (counts.kvReads++, inner.getMany?.(keys, context) ?? new Map()),
    set: (key, value, options) => (counts.kvWrites++, inner.set(key, value, options)),
  }
}

function countedCoordinator(namespace: CoordinatorNamespaceLike, counts: Counts): CoordinatorNamespaceLike {
  return {
    idFromName: (name) => namespace.idFromName(name),
    get(id, options) {
      const stub = namespace.get(id, options)
      return {
        read: (scopes) => (counts.coordinatorReads++, stub.read(scopes)),
        bump: (scopes, proposal) => (counts.coordinatorBumps++, stub.bump(scopes, proposal)),
        load: () => stub.load(),
      }
    },
  }
}

/** Two locations per mode, as two isolates would be: A writes, B reads through its own edge of KV. */
function createDemo(env: ConsistencyEnv) {
  const counts: Counts = { kvReads: 0, kvWrites: 0, coordinatorReads: 0, coordinatorBumps: 0 }
  const kv = countedKv(kvStorage(env.CACHE_KV), counts)
  const coordinator = countedCoordinator(env.KVCACHE_COORDINATOR, counts)
  const location = (mode: Mode, storage: Storage): Cache =>
    createCache({
      storage,
      prefix: `consistency-${mode}`,
      defaultTtlSeconds: 300,
      ...(mode === 'coordinator' && { versions: durableObjectVersions(coordinator, { prefix: 'playground' }) }),
    })
  const pair = (mode: Mode) => ({ a: location(mode, kv), b: location(mode, edgeLocation(kv, { lagSeconds: LAG_SECONDS })) })
  return { counts, locations: { kv: pair('kv'), coordinator: pair('coordinator') } }
}

let demo: ReturnType<typeof createDemo> | undefined
let seeded: Promise<unknown> | undefined

function readMode(url: URL): Parsed<Mode> {
  const mode = url.searchParams.get('mode')
  return mode === 'kv' || mode === 'coordinator'
    ? { ok: true, value: mode }
    : { ok: false, error: `mode must be kv or coordinator, got ${JSON.stringify(String(mode).slice(0, 40))}` }
}

function database(env: ConsistencyEnv, cache: Cache, events: CacheEvent[]) {
  const kv = drizzleCache(cache.withContext({ onEvent: (event) => events.push(event) }), { schema, strategy: 'all', database: 'playground-consistency' })
  return drizzle(kv.d1(env.DB), { schema, cache: kv })
}

/** Runs `work` and reports what it cost: calls made, time taken, the cache's verdict. */
async function measured<T>(counts: Counts, events: CacheEvent[], work: () => Promise<T>) {
  const before = { ...counts }
  const started = performance.now()
  const value = await work()
  const ms = performance.now() - started
  const calls = Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, n - before[name as keyof Counts]]))
  const outcome = events.find((event) => event.type === 'hit' || event.type === 'miss')?.type ?? 'none'
  return { value, ms, calls, outcome }
}

/** `/consistency` and `/api/consistency/*`; undefined for any other path. */
export async function handleConsistency(request: Request, env: ConsistencyEnv): Promise<Response | undefined> {
  const url = new URL(request.url)
  if (url.pathname === '/consistency') return new Response(consistencyHtml, { headers: { 'content-type': 'text/html; charset=utf-8' } })
  if (!url.pathname.startsWith('/api/consistency/')) return undefined
  const mode = readMode(url)
  if (!mode.ok) return badRequest(mode.error)
  seeded ??= env.DB.batch([
    env.DB.prepare('CREATE TABLE IF NOT EXISTS consistency_demo (id INTEGER PRIMARY KEY, title TEXT NOT NULL)'),
    env.DB.prepare("INSERT OR IGNORE INTO consistency_demo (id, title) VALUES (1, 'First draft')"),
  ])
  await seeded
  demo ??= createDemo(env)
  const { a, b } = demo.locations[mode.value]
  const events: CacheEvent[] = []

  if (url.pathname === '/api/consistency/read' && request.method === 'GET') {
    const db = database(env, b, events)
    const result = await measured(demo.counts, events, () => db.select().from(notes).where(eq(notes.id, ROW_ID)))
    const truth = await env.DB.prepare('SELECT title FROM consistency_demo WHERE id = ?').bind(ROW_ID).first<{ title: string }>()
    const title = result.value[0]?.title ?? null
    return Response.json({
      mode: mode.value,
      title,
      database: truth?.title ?? null,
      fresh: title === truth?.title,
      outcome: result.outcome,
      calls: result.calls,
      ms: result.ms,
    })
  }
  if (url.pathname === '/api/consistency/write' && request.method === 'POST') {
    const title = await readTitle(request)
    if (!title.ok) return badRequest(title.error)
    const db = database(env, a, events)
    const result = await measured(demo.counts, events, () => db.update(notes).set({ title: title.value }).where(eq(notes.id, ROW_ID)))
    return Response.json({ mode: mode.value, title: title.value, calls: result.calls, ms: result.ms })
  }
  return new Response('Not found', { status: 404 })
}
