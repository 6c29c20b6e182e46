import { createCache, twoTierStorage, type Cache, type Storage } from '@kvcache/core'
import { tableScope } from '@kvcache/core/testing'
import { cacheApiStorage } from '@kvcache/storage-cache-api'
import { kvStorage } from '@kvcache/storage-kv'
// The bench package does not list the coordinator as a dependency: its sources are bundled directly.
import { durableObjectVersions, KvCacheCoordinator, type CoordinatorNamespaceLike } from '../../packages/coordinator/src/index.ts'
import { countingKv } from '../lib/counting-kv'

export { KvCacheCoordinator }

interface Env {
  KV: KVNamespace
  COORDINATOR: DurableObjectNamespace<KvCacheCoordinator>
}

// The same 50-row result as bench/core.
const rows = Array.from({ length: 50 }, (_, i) => ({
  id: i + 1,
  title: `Post number ${i + 1}`,
  body: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(4),
  views: 1000 + i * 13,
}))
const request = { material: ['bench', 'select * from posts limit 50'], scopes: [tableScope('posts')], ttlSeconds: 300 }
const noLoad = async (): Promise<typeof rows> => {
  throw new Error('expected a hit')
}

/** Counts calls that reach the real coordinator binding. */
function countingCoordinator(namespace: CoordinatorNamespaceLike) {
  const calls = { read: 0, bump: 0 }
  const counted: CoordinatorNamespaceLike = {
    idFromName: (name) => namespace.idFromName(name),
    get(id, options) {
      const stub = namespace.get(id, options)
      return { read: (s) => (calls.read++, stub.read(s)), bump: (s, p) => (calls.bump++, stub.bump(s, p)), load: () => stub.load() }
    },
  }
  return { namespace: counted, calls }
}

/** Counts Cache API calls (one `get` is one `match`). */
function countingL1(inner: Storage) {
  const calls = { get: 0, set: 0 }
  const storage: Storage = { ...inner, get: (k, c) => (calls.get++, inner.get(k, c)), set: (k, v, o) => (calls.set++, inner.set(k, v, o)) }
  return { storage, calls }
}

type Mode = 'kv' | 'strong' | 'two-tier-kv' | 'two-tier-strong'
const MODES: readonly Mode[] = ['kv', 'strong', 'two-tier-kv', 'two-tier-strong']

/** One isolate's cache per mode, every layer counted. */
function setups(env: Env) {
  const kv = countingKv(env.KV)
  const coordinator = countingCoordinator(env.COORDINATOR)
  const l1 = countingL1(cacheApiStorage({ cacheName: 'bench-coordinator' }))
  const make = (mode: Mode): Cache => {
    const prefix = `bench-${mode}`
    const storage = mode.startsWith('two-tier') ? twoTierStorage({ l1: l1.storage, l2: kvStorage(kv.kv) }) : kvStorage(kv.kv)
    const versions = mode.endsWith('strong') ? durableObjectVersions(coordinator.namespace, { prefix }) : undefined
    return createCache({ storage, prefix, ...(versions ? { versions } : {}) })
  }
  const caches = Object.fromEntries(MODES.map((mode) => [mode, make(mode)])) as Record<Mode, Cache>
  const counts = () => ({
    kvReadCalls: kv.counts.readCalls,
    kvWrites: kv.counts.writes,
    cacheApiCalls: l1.calls.get + l1.calls.set,
    rpcReads: coordinator.calls.read,
    rpcBumps: coordinator.calls.bump,
  })
  const reset = () => {
    kv.reset()
    Object.assign(coordinator.calls, { read: 0, bump: 0 })
    Object.assign(l1.calls, { get: 0, set: 0 })
  }
  return { caches, counts, reset }
}

let state: ReturnType<typeof setups> | undefined

/** Keeps `concurrency` calls in flight against one object for `durationMs`; returns how many completed. */
async function throughput(env: Env, op: 'read' | 'bump', concurrency: number, durationMs: number) {
  const stub = env.COORDINATOR.getByName(`throughput-${op}-${concurrency}`)
  const scopes = ['acme:table:*', 'acme:table:posts', 'acme:bulk:posts']
  await stub.read(scopes)
  let calls = 0
  const started = performance.now()
  const loop = async () => {
    while (performance.now() - started < durationMs) {
      await (op === 'read' ? stub.read(scopes) : stub.bump(scopes))
      calls++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop))
  return { calls, ms: performance.now() - started }
}

export default {
  async fetch(req: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(req.url)
    const n = Number(url.searchParams.get('n') ?? '200')
    state ??= setups(env)
    const { caches, counts, reset } = state
    const view = (cache: Cache) => cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise) })

    switch (url.pathname) {
      case '/setup': {
        for (const mode of MODES) {
          await caches[mode].query(request, async () => rows)
          await caches[mode].flush()
        }
        return Response.json({ ok: true })
      }
      case '/hits': {
        // Each hit is its own request (a fresh view), unless `memo=1`: then all share one request.
        const cache = caches[url.searchParams.get('mode') as Mode]
        const shared = url.searchParams.get('memo') === '1' ? view(cache) : undefined
        let hits = 0
        for (let i = 0; i < n; i++) hits += (await (shared ?? view(cache)).query(request, noLoad)).length === rows.length ? 1 : 0
        return Response.json({ hits })
      }
      case '/throughput': {
        const op = url.searchParams.get('op') === 'bump' ? 'bump' : 'read'
        return Response.json(await throughput(env, op, Number(url.searchParams.get('concurrency') ?? '1'), Number(url.searchParams.get('ms') ?? '1000')))
      }
      case '/ops': {
        const measure = async (cache: Cache, work: (request: Cache) => Promise<unknown>) => {
          reset()
          const requestView = view(cache)
          await work(requestView)
          await cache.flush()
          return counts()
        }
        const result: Record<string, unknown> = {}
        for (const mode of MODES) {
          const cache = caches[mode]
          result[mode] = {
            hit: await measure(cache, (r) => r.query(request, noLoad)),
            secondHit: await measure(cache, async (r) => (await r.query(request, noLoad), await r.query(request, noLoad))),
            miss: await measure(cache, (r) => r.query({ ...request, material: ['bench', crypto.randomUUID()] }, async () => rows)),
            write: await measure(cache, (r) => r.invalidate({ tables: [`t${crypto.randomUUID()}`, `u${crypto.randomUUID()}`] })),
          }
        }
        return Response.json(result)
      }
    }
    return new Response('not found', { status: 404 })
  },
}
