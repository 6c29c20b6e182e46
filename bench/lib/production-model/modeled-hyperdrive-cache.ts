// Hyperdrive with its query cache on, around a real node-postgres pool on the local server.
// https://developers.cloudflare.com/hyperdrive/concepts/query-caching/
//
// One `HyperdriveQueryCache` stands for one location's cache: statement text + parameters -> the
// result, fresh for max_age, then served stale for stale_while_revalidate while one background
// query refreshes it, then a miss. Only read-only statements that call no function PostgreSQL
// marks volatile or stable are cached; writes pass through and purge nothing. A hit waits one
// figures.hyperdriveCacheHit draw, a miss or uncached statement one figures.hyperdrive draw
// before the real query runs.
import { FIGURES } from './figures.mjs'
import type { LatencyModel } from './latency'

/** What the cache did with one statement. */
export type HyperdriveOutcome = 'hit' | 'stale' | 'miss' | 'uncacheable' | 'write'

interface Cached {
  readonly result: unknown
  readonly storedAtMs: number
  revalidating: boolean
}

export interface HyperdriveQueryCache {
  readonly entries: Map<string, Cached>
  /** Lower-case names of functions PostgreSQL marks volatile or stable (pg_proc.provolatile <> 'i'). */
  readonly nonImmutable: ReadonlySet<string>
}

export function hyperdriveQueryCache(nonImmutable: Iterable<string>): HyperdriveQueryCache {
  return { entries: new Map(), nonImmutable: new Set([...nonImmutable].map((name) => name.toLowerCase())) }
}

const READ_ONLY = /^\s*(select|with)\b/i
const CALL = /([a-z_][a-z0-9_]*)\s*\(/gi

/** Why a statement is not cached, or undefined when it is cacheable. */
export function uncacheableReason(cache: HyperdriveQueryCache, text: string): 'write' | 'uncacheable' | undefined {
  if (!READ_ONLY.test(text) || /\bfor\s+(update|share)\b/i.test(text)) return 'write'
  for (const match of text.matchAll(CALL)) if (cache.nonImmutable.has(match[1]!.toLowerCase())) return 'uncacheable'
  return undefined
}

type QueryFn = (...args: unknown[]) => Promise<unknown>

interface Hooks {
  /** Keeps a background revalidation alive (the request's `waitUntil`, and the pool open until it settles). */
  readonly background: (promise: Promise<unknown>) => void
  readonly onOutcome?: (outcome: HyperdriveOutcome) => void
}

function statementOf(args: unknown[]): { text: string; key: string } {
  const [first, second] = args
  if (typeof first === 'string') return { text: first, key: JSON.stringify([first, second ?? [], null]) }
  const config = first as { text: string; values?: unknown[]; rowMode?: string }
  return { text: config.text, key: JSON.stringify([config.text, config.values ?? second ?? [], config.rowMode ?? null]) }
}

function cachedQuery(run: QueryFn, cache: HyperdriveQueryCache, model: LatencyModel, hooks: Hooks): QueryFn {
  const maxAgeMs = FIGURES.hyperdriveMaxAgeSeconds.value * 1000
  const staleMs = FIGURES.hyperdriveStaleSeconds.value * 1000
  return async (...args) => {
    if (typeof args[args.length - 1] === 'function') throw new Error('modeled Hyperdrive cache: query(callback) is not supported; use the promise form')
    const { text, key } = statementOf(args)
    const fetchAndStore = async () => {
      await model.wait('hyperdrive')
      const result = await run(...args)
      cache.entries.set(key, { result, storedAtMs: Date.now(), revalidating: false })
      return result
    }
    const reason = uncacheableReason(cache, text)
    if (reason) {
      hooks.onOutcome?.(reason)
      await model.wait('hyperdrive')
      return run(...args)
    }
    const entry = cache.entries.get(key)
    const ageMs = entry ? Date.now() - entry.storedAtMs : Number.POSITIVE_INFINITY
    if (!entry || ageMs >= maxAgeMs + staleMs) {
      hooks.onOutcome?.('miss')
      return fetchAndStore()
    }
    if (ageMs >= maxAgeMs && !entry.revalidating) {
      entry.revalidating = true
      hooks.background(fetchAndStore().catch(() => (entry.revalidating = false)))
    }
    hooks.onOutcome?.(ageMs < maxAgeMs ? 'hit' : 'stale')
    await model.wait('hyperdriveCacheHit')
    return entry.result
  }
}

function withCachedQueries<T extends object>(target: T, cache: HyperdriveQueryCache, model: LatencyModel, hooks: Hooks): T {
  return new Proxy(target, {
    get(inner, property) {
      const value = Reflect.get(inner, property, inner)
      if (typeof value !== 'function') return value
      if (property !== 'query') return value.bind(inner)
      return cachedQuery((value as QueryFn).bind(inner), cache, model, hooks)
    },
  })
}

/** Wraps a `pg.Pool`: `query` and the clients from `connect()` go through this location's query cache. */
export function modeledHyperdriveWithCache<T extends object>(pool: T, model: LatencyModel, cache: HyperdriveQueryCache, hooks: Hooks): T {
  const queries = withCachedQueries(pool, cache, model, hooks)
  return new Proxy(queries, {
    get(inner, property) {
      if (property !== 'connect') return Reflect.get(inner, property, inner)
      return async (...args: unknown[]) => {
        if (args.length > 0) throw new Error('modeled Hyperdrive cache: connect(callback) is not supported; use the promise form')
        const client = await (pool as unknown as { connect(): Promise<object> }).connect()
        return withCachedQueries(client, cache, model, hooks)
      }
    },
  })
}
