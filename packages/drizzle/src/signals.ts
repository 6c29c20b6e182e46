// Drizzle's cache hook and our driver wrapper see one builder read from two sides: Drizzle calls
// `get(key, tables, isTag, autoInvalidate)` before it runs the read (with what `$withCache()` said,
// but not its `config`), our driver wrapper then sees the statement, and Drizzle calls
// `put(key, result, tables, isTag, config)` after the read returned (the only place `config`
// shows). This module is the only place that pairs them. The life of one signal:
//
//   get()  ──expect──► waiting ──take (the wrapper runs a statement whose query hash is `key`,
//                         │        or, for a tag, whose tables cover the read's)──► awaiting put
//                         │                                                          │
//                         │ 10 s without a statement                  put() ──settle─┤
//                         ▼ (the read never ran)                                      ▼
//                       pruned: settled with no lifetime              settled: the fill stores the
//                                                                     entry with `late` (or not at
//                                                                     all when `late.ttlSeconds` is 0)
//
// A signal awaiting put that never gets one (the read threw) is pruned the same way after 10 s;
// the core's fill also stops waiting for `late` after its `timeoutMs`, storing with the default.
import { canonicalTable, readStatement } from '@kvcache/core/sql'
import { hashQuery } from 'drizzle-orm/cache/core'
import type { Statement } from './runner'

/**
 * What Drizzle told us about one builder read before running it (`$withCache()` options), waiting
 * for the driver wrapper to see that read's statement.
 */
export interface Signal {
  readonly slot: string
  readonly tag: string | undefined
  readonly autoInvalidate: boolean
  readonly tables: readonly string[]
  readonly atMs: number
  /** Resolved by `put`, which is where Drizzle reveals `$withCache({ config })`. */
  readonly late: Promise<{ ttlSeconds?: number } | undefined>
  readonly settle: (options: { ttlSeconds?: number } | undefined) => void
}

const SIGNAL_TTL_MS = 10_000

/** Pairs Drizzle's `get` / `put` calls with the statements the driver wrapper runs. */
export interface Signals {
  /** Drizzle's `get(key, tables, isTag, autoInvalidate)`: remember the read's options. */
  expect(key: string, tables: readonly string[], isTag: boolean, autoInvalidate: boolean): void
  /** The signal for a statement the wrapper is about to run (by query hash, or by tag and tables). */
  take(statement: Statement): Promise<Signal | undefined>
  /** Drizzle's `put(key, ..., isTag)`: hand the read's lifetime to the waiting fill. */
  settle(key: string, isTag: boolean, options: { ttlSeconds?: number } | undefined): void
}

type SignalMap = Map<string, Signal[]>

/** Drops signals of reads that never ran (settling their fills with the default lifetime). */
function prune(maps: readonly SignalMap[]): void {
  const cutoff = Date.now() - SIGNAL_TTL_MS
  for (const map of maps) {
    for (const [slot, signals] of map) {
      const live = signals.filter((signal) => signal.atMs >= cutoff)
      for (const signal of signals) if (signal.atMs < cutoff) signal.settle(undefined)
      if (live.length === 0) map.delete(slot)
      else map.set(slot, live)
    }
  }
}

/** A tagged read is keyed by its tag, not its query: match it by the tables the statement reads. */
function takeTagged(waiting: SignalMap, sql: string): Signal | undefined {
  const reads = new Set(readStatement(sql).reads)
  for (const [slot, signals] of waiting) {
    if (!slot.startsWith('tag:')) continue
    const index = signals.findIndex((signal) => signal.tables.every((table) => reads.has(table)))
    if (index < 0) continue
    const [signal] = signals.splice(index, 1)
    if (signals.length === 0) waiting.delete(slot)
    return signal
  }
  return undefined
}

/** Signal bookkeeping for one binding; stale signals (a read that never ran) expire after 10 s. */
export function createSignals(): Signals {
  const waiting: SignalMap = new Map()
  const awaitingPut: SignalMap = new Map()
  return {
    expect(key, tables, isTag, autoInvalidate) {
      prune([waiting, awaitingPut])
      const slot = isTag ? `tag:${key}` : key
      let settle!: Signal['settle']
      const late = new Promise<{ ttlSeconds?: number } | undefined>((resolve) => (settle = resolve))
      const signal: Signal = { slot, tag: isTag ? key : undefined, autoInvalidate, tables: tables.map(canonicalTable), atMs: Date.now(), late, settle }
      waiting.set(slot, [...(waiting.get(slot) ?? []), signal])
    },
    async take(statement) {
      if (waiting.size === 0) return undefined
      prune([waiting, awaitingPut])
      let hash: string | undefined
      try {
        hash = await hashQuery(statement.sql, statement.params as unknown[])
      } catch {
        // Drizzle's hash throws on BigInt parameters: such a read can only match by tag.
        hash = undefined
      }
      const byHash = hash === undefined ? undefined : waiting.get(hash)
      const signal = byHash?.shift() ?? takeTagged(waiting, statement.sql)
      if (byHash && byHash.length === 0 && hash) waiting.delete(hash)
      if (signal) awaitingPut.set(signal.slot, [...(awaitingPut.get(signal.slot) ?? []), signal])
      return signal
    },
    settle(key, isTag, options) {
      const slot = isTag ? `tag:${key}` : key
      const queue = awaitingPut.get(slot)
      const signal = queue?.shift()
      if (queue && queue.length === 0) awaitingPut.delete(slot)
      signal?.settle(options)
    },
  }
}
