import { estimateKvCost, type KvCost } from './kv-cost'
import type { CacheEventHandler, OperationKind, StorageOperation } from './operations'
import { tableOfQualifiedScope } from './layout'
import type { CacheEvent, MissReason, ReadLabels, SkipReason } from './types'

/** The table under which events that name none are counted (reads without a binding's labels, tag invalidations). */
export const UNKNOWN_TABLE = '(unknown)'

/** What the cache did, for one table or for everything a metrics object saw. Plain JSON. */
export interface OutcomeCounts {
  /** Fresh hits. */
  hits: number
  /** Entries served after their freshness while refreshed in the background (stale-while-revalidate). */
  staleHits: number
  /** Entries served because the database failed (`stale-if-error`); each such read also counted a miss first. */
  staleIfError: number
  /** Lookups that went to the database (`miss`), and why. */
  misses: number
  missReasons: Partial<Record<MissReason, number>>
  /** Reads merged into an identical lookup already in flight (`joined`): no storage call, no database read. */
  joined: number
  /** Results not stored, or lookups not made, for a reason other than a bypass (`skip`), and why. */
  skips: number
  skipReasons: Partial<Record<SkipReason, number>>
  /** Reads a binding answered from the database without the cache (`skip` with reason `bypass`). */
  bypasses: number
  /** `error` events: storage or codec failures the cache absorbed. */
  errors: number
  /** Entries stored (`fill`), and their size in bytes. */
  fills: number
  fillBytes: number
  /** Invalidations (`invalidate` events that bumped scopes). */
  invalidations: number
  /** Age of the oldest entry served (hit, stale or stale-if-error), in milliseconds; 0 when none was. */
  maxAgeMs: number
}

/** Storage calls of one kind to one storage (and tier). */
export interface OperationCount {
  /** `kv`, `cache-api`, `memory`, `coordinator`... (the storage's `name`). */
  readonly storage: string
  /** `L1` or `L2` for the tiers of `twoTierStorage`; absent for a single storage. */
  readonly tier?: 'L1' | 'L2'
  readonly kind: OperationKind
  /** Calls made (a bulk read is one). */
  readonly calls: number
  /** Keys those calls carried (a bulk read of N keys is N). */
  readonly keys: number
}

/** What `snapshot()` returns: a plain object, ready for `JSON.stringify`. */
export interface MetricsSnapshot {
  /** Everything seen. */
  readonly totals: OutcomeCounts
  /**
   * The same counts per table, from the `tables` read events carry (binding reads) and the table
   * scopes an invalidation bumped; a read of two tables counts under both. Events that name no
   * table count under `(unknown)`.
   */
  readonly tables: Readonly<Record<string, OutcomeCounts>>
  /** Storage calls by storage, tier and kind (from `operation` events). */
  readonly operations: readonly OperationCount[]
  /** The KV calls among them, and what they cost at list prices. */
  readonly kv: KvCost
  /**
   * The KV calls per table, from the reads that made them (a read of two tables counts under
   * both, so the tables add up to more than `kv`); calls of no read (invalidations, `get`) count
   * under `(unknown)`.
   */
  readonly tableKv: Readonly<Record<string, KvCost>>
}

/** Aggregates events into counts: attach `onEvent` per request (`withContext`) or per isolate (`createCache`). */
export interface Metrics {
  /** The handler to attach; it asks for `operation` events. */
  readonly onEvent: CacheEventHandler
  /** The counts so far, as a new plain object. */
  snapshot(): MetricsSnapshot
  /** Starts counting from zero again. */
  reset(): void
}

/**
 * Counts what the cache did (hits, stale hits, misses by reason, merges, skips, bypasses, errors,
 * fills, invalidations) per table, the storage calls it made, and what those cost in KV operations.
 * One per request gives per-request metrics; its events never mix with another request's.
 *
 * @example
 * const metrics = createMetrics()
 * const cache = isolateCache.withContext({ waitUntil: (p) => ctx.waitUntil(p), onEvent: metrics.onEvent })
 * // ... serve the request, then:
 * console.log(JSON.stringify(metrics.snapshot()))
 */
export function createMetrics(): Metrics {
  let totals = emptyCounts()
  let tables = new Map<string, OutcomeCounts>()
  let operations = new Map<string, { -readonly [K in keyof OperationCount]: OperationCount[K] }>()
  let tableOperations = new Map<string, Map<OperationKind, { kind: OperationKind; calls: number; keys: number }>>()

  const countAll = (names: readonly string[], count: (counts: OutcomeCounts) => void) => {
    count(totals)
    for (const name of names.length > 0 ? names : [UNKNOWN_TABLE]) {
      let counts = tables.get(name)
      if (counts === undefined) tables.set(name, (counts = emptyCounts()))
      count(counts)
    }
  }

  const record = (operation: StorageOperation & ReadLabels) => {
    const id = `${operation.storage}\u0000${operation.tier ?? ''}\u0000${operation.kind}`
    let row = operations.get(id)
    if (row === undefined) {
      row = { storage: operation.storage, ...(operation.tier && { tier: operation.tier }), kind: operation.kind, calls: 0, keys: 0 }
      operations.set(id, row)
    }
    row.calls++
    row.keys += operation.keys
    if (operation.storage !== 'kv') return
    for (const name of operation.tables?.length ? operation.tables : [UNKNOWN_TABLE]) {
      const kinds = tableOperations.get(name) ?? new Map()
      const counted = kinds.get(operation.kind) ?? { kind: operation.kind, calls: 0, keys: 0 }
      counted.calls++
      counted.keys += operation.keys
      kinds.set(operation.kind, counted)
      tableOperations.set(name, kinds)
    }
  }

  const onEvent = (event: CacheEvent): void => {
    if (event.type === 'operation') return record(event)
    if (event.type === 'invalidate') {
      if (event.quiet === undefined) countAll(tablesBumped(event.scopes), (counts) => counts.invalidations++)
      return
    }
    const count = COUNTERS[event.type]
    if (count) countAll(tablesOf(event), (counts) => count(counts, event as never))
  }

  return {
    onEvent: Object.assign(onEvent, { operations: true }),
    snapshot() {
      const rows = [...operations.values()].map((row) => ({ ...row }))
      return {
        totals: copyCounts(totals),
        tables: Object.fromEntries([...tables].map(([name, counts]) => [name, copyCounts(counts)])),
        operations: rows,
        kv: estimateKvCost(rows.filter((row) => row.storage === 'kv')),
        tableKv: Object.fromEntries([...tableOperations].map(([name, kinds]) => [name, estimateKvCost([...kinds.values()])])),
      }
    },
    reset() {
      totals = emptyCounts()
      tables = new Map()
      operations = new Map()
      tableOperations = new Map()
    },
  }
}

type Counter<T extends CacheEvent['type']> = (counts: OutcomeCounts, event: Extract<CacheEvent, { type: T }>) => void

/** How each read-path event moves the counts; events not listed (breaker, clamp, degraded, misconfigured) are not counted. */
const COUNTERS: { readonly [T in CacheEvent['type']]?: Counter<T> } = {
  hit: (counts, event) => {
    counts.hits++
    counts.maxAgeMs = Math.max(counts.maxAgeMs, event.ageMs)
  },
  stale: (counts, event) => {
    counts.staleHits++
    counts.maxAgeMs = Math.max(counts.maxAgeMs, event.ageMs)
  },
  'stale-if-error': (counts, event) => {
    counts.staleIfError++
    counts.maxAgeMs = Math.max(counts.maxAgeMs, event.ageMs)
  },
  miss: (counts, event) => {
    counts.misses++
    counts.missReasons[event.reason] = (counts.missReasons[event.reason] ?? 0) + 1
  },
  joined: (counts) => {
    counts.joined++
  },
  skip: (counts, event) => {
    if (event.reason === 'bypass') {
      counts.bypasses++
      return
    }
    counts.skips++
    counts.skipReasons[event.reason] = (counts.skipReasons[event.reason] ?? 0) + 1
  },
  error: (counts) => {
    counts.errors++
  },
  fill: (counts, event) => {
    counts.fills++
    counts.fillBytes += event.bytes
  },
}

/** The tables whose `table:` scope an invalidation bumped (every write to a table bumps it, row writes too). */
function tablesBumped(scopes: readonly string[]): string[] {
  const tables = new Set<string>()
  for (const scope of scopes) {
    const table = tableOfQualifiedScope(scope)
    if (table !== undefined) tables.add(table)
  }
  return [...tables]
}

/** The tables an event names (binding reads carry `tables`); none when it names none. */
function tablesOf(event: CacheEvent): readonly string[] {
  return (event as { readonly tables?: readonly string[] }).tables ?? []
}

function emptyCounts(): OutcomeCounts {
  return {
    hits: 0,
    staleHits: 0,
    staleIfError: 0,
    misses: 0,
    missReasons: {},
    joined: 0,
    skips: 0,
    skipReasons: {},
    bypasses: 0,
    errors: 0,
    fills: 0,
    fillBytes: 0,
    invalidations: 0,
    maxAgeMs: 0,
  }
}

function copyCounts(counts: OutcomeCounts): OutcomeCounts {
  return { ...counts, missReasons: { ...counts.missReasons }, skipReasons: { ...counts.skipReasons } }
}
