// Each binding page's live metrics: what that binding's requests made the cache do, per table,
// in this isolate. Core's createMetrics() does the counting and pricing; this shapes it into rows.
import { cacheStatusHeader, createMetrics, type CacheEvent, type CacheEventHandler, type KvCost, type OperationCount, type OutcomeCounts } from '@kvcache/core'

/** One row of the dashboard's table. */
export interface TableMetrics extends OutcomeCounts {
  /** The table; `(unknown)` for what names none (a tag invalidation, a write's stamp writes); `(all)` for the totals. */
  readonly table: string
  /** Fresh hits over hits, stale hits and misses (the core README's hit-rate query); null before any lookup. */
  readonly hitRate: number | null
  /**
   * KV calls by kind and their estimated USD at list prices, under both readings of a bulk read:
   * each read's calls under every table it depends on (so only `(all)` adds up), core's `tableKv`.
   */
  readonly kv: KvCost
}

/** What `GET <page>/api/metrics` answers. */
export interface BindingMetricsSnapshot {
  /** `drizzle`, `kysely` or `prisma`: only that page's requests are counted. */
  readonly binding: string
  /** One row per table, by name. */
  readonly tables: readonly TableMetrics[]
  /** Every request of this binding. */
  readonly totals: TableMetrics
  /** Every storage call of this binding's requests, by storage, tier and kind (the Cache API's too). */
  readonly operations: readonly OperationCount[]
}

/** One request's metering: attach `onEvent` to the request's view, read `header()` when it answers. */
export interface RequestMetering {
  /** Feeds the binding's counts (it asks for `operation` events) and keeps the request's events for its header. */
  readonly onEvent: CacheEventHandler
  /** The request's `x-kvcache` debug header value (core's cacheStatusHeader). */
  header(): string
}

export interface BindingMetrics {
  /** Metering for one request; `onEach` also receives its events (storage calls left out). */
  request(onEach?: (event: CacheEvent) => void): RequestMetering
  snapshot(): BindingMetricsSnapshot
  reset(): void
}

const ALL_TABLES = '(all)'
// The zero counts and zero cost, as core spells them.
const EMPTY = createMetrics().snapshot()

/** One isolate-level metrics object per binding page, fed by that page's request views (not the shared cache's handler). */
export function createBindingMetrics(binding: string): BindingMetrics {
  const isolate = createMetrics()
  return {
    request(onEach) {
      const events: CacheEvent[] = []
      const onEvent = (event: CacheEvent): void => {
        isolate.onEvent(event)
        if (event.type === 'operation') return
        events.push(event)
        onEach?.(event)
      }
      return { onEvent: Object.assign(onEvent, { operations: true }), header: () => cacheStatusHeader(events) }
    },
    snapshot() {
      const all = isolate.snapshot()
      const names = [...new Set([...Object.keys(all.tables), ...Object.keys(all.tableKv)])].sort()
      return {
        binding,
        tables: names.map((table) => rowOf(table, all.tables[table] ?? EMPTY.totals, all.tableKv[table] ?? EMPTY.kv)),
        totals: rowOf(ALL_TABLES, all.totals, all.kv),
        operations: all.operations,
      }
    },
    reset: () => isolate.reset(),
  }
}

function rowOf(table: string, counts: OutcomeCounts, kv: KvCost): TableMetrics {
  const lookups = counts.hits + counts.staleHits + counts.misses
  return { table, ...counts, hitRate: lookups === 0 ? null : counts.hits / lookups, kv }
}

/** Sets the request's `x-kvcache` debug header on its response. */
export function withStatusHeader(response: Response, metering: RequestMetering): Response {
  response.headers.set('x-kvcache', metering.header())
  return response
}
