import type { CacheEvent } from '@kvcache/core'

// Public KV pricing per million operations: https://developers.cloudflare.com/kv/platform/pricing/
const USD_PER_MILLION = { read: 0.5, write: 5, delete: 5 }
const KEEP = 40

/** In-isolate counters for the dashboard. A demo: they reset when the isolate restarts. */
export function createStats() {
  const state = {
    requests: 0,
    events: { hit: 0, miss: 0, stale: 0, fill: 0, skip: 0, error: 0 },
    latencyMs: { cached: [] as number[], uncached: [] as number[] },
    invalidations: [] as { atMs: number; scopes: readonly string[] }[],
    kv: { readCalls: 0, keysRead: 0, writes: 0, deletes: 0 },
    databaseQueries: 0,
  }
  const push = (list: number[], value: number) => {
    list.push(value)
    if (list.length > KEEP) list.shift()
  }
  return {
    state,
    record(event: CacheEvent) {
      if (event.type in state.events) state.events[event.type as keyof typeof state.events]++
      if (event.type === 'invalidate') {
        state.invalidations.unshift({ atMs: Date.now(), scopes: event.scopes.map((scope) => scope.replace(/^:/, '')) })
        state.invalidations.length = Math.min(state.invalidations.length, 10)
      }
    },
    latency(kind: 'cached' | 'uncached', ms: number) {
      push(state.latencyMs[kind], ms)
    },
    snapshot() {
      const kvUsd =
        (state.kv.readCalls * USD_PER_MILLION.read + state.kv.writes * USD_PER_MILLION.write + state.kv.deletes * USD_PER_MILLION.delete) / 1_000_000
      return {
        ...state,
        drizzle: { ...state.events },
        estimatedKvUsd: kvUsd,
        estimatedKvUsdPerMillionRequests: state.requests === 0 ? 0 : (kvUsd / state.requests) * 1_000_000,
      }
    },
    reset() {
      state.requests = 0
      Object.assign(state.events, { hit: 0, miss: 0, stale: 0, fill: 0, skip: 0, error: 0 })
      state.latencyMs.cached = []
      state.latencyMs.uncached = []
      state.invalidations = []
      Object.assign(state.kv, { readCalls: 0, keysRead: 0, writes: 0, deletes: 0 })
      state.databaseQueries = 0
    },
  }
}

export type Stats = ReturnType<typeof createStats>

/** Counts KV calls as billed (a bulk get is one read). */
export function countingKv(kv: KVNamespace, stats: Stats): KVNamespace {
  const counts = stats.state.kv
  return new Proxy(kv, {
    get(target, property) {
      const value = Reflect.get(target, property, target)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        if (property === 'get' || property === 'getWithMetadata') {
          counts.readCalls++
          counts.keysRead += Array.isArray(args[0]) ? args[0].length : 1
        }
        if (property === 'put') counts.writes++
        if (property === 'delete') counts.deletes++
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
}

/** Counts statements that reach D1, so the dashboard can show what the cache saved. */
export function countingD1(db: D1Database, stats: Stats): D1Database {
  const wrapStatement = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, property) {
        const value = Reflect.get(target, property, target)
        if (typeof value !== 'function') return value
        if (property === 'bind') return (...args: unknown[]) => wrapStatement(target.bind(...args))
        if (property === 'all' || property === 'raw' || property === 'first' || property === 'run') {
          return (...args: unknown[]) => {
            stats.state.databaseQueries++
            return (value as (...a: unknown[]) => unknown).apply(target, args)
          }
        }
        return value.bind(target)
      },
    })
  return new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') return (sql: string) => wrapStatement(target.prepare(sql))
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
