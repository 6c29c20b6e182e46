import type { StorageOperation } from './operations'
import type { Stamp } from './types'

/*
 * What the cache reports: one union of events, the reasons a read missed or was not stored, and
 * the operations an `error` names.
 */

/**
 * What the events of a binding's read carry besides their own fields (`hit`, `miss`, `stale`,
 * `stale-if-error`, `joined`, `fill`, `skip`, `error`), when a listener receives them.
 */
export interface ReadLabels {
  /** `drizzle`, `kysely`, `prisma`... */
  readonly binding?: string
  /** The tables the read depends on (from its scopes; the whole-database scope and tags left out). */
  readonly tables?: readonly string[]
  /** The statement (SQL, or `Model.action`), whitespace collapsed, at most 120 characters. */
  readonly digest?: string
}

/** Everything the cache reports. Handlers must be cheap; errors thrown by them are swallowed. */
export type CacheEvent =
  | ({
      readonly type: 'hit'
      readonly key: string
      readonly ageMs: number
      readonly createdAtMs: number
      /** Which tier of a two-tier storage answered: `L1` (the Cache API, this location) or `L2` (KV). */
      readonly tier?: 'L1' | 'L2'
    } & ReadLabels)
  | ({
      readonly type: 'miss'
      readonly key: string
      readonly reason: MissReason
      /** When the database read started: the `createdAtMs` an entry filled from it carries. */
      readonly atMs?: number
    } & ReadLabels)
  | ({ readonly type: 'stale'; readonly key: string; readonly ageMs: number; readonly createdAtMs: number } & ReadLabels)
  /**
   * The database failed (`error`, still thrown when no entry can answer) and an entry past its
   * freshness, within `staleIfErrorSeconds`, answered instead. Only entries that aged out: never
   * one a write invalidated.
   */
  | ({ readonly type: 'stale-if-error'; readonly key: string; readonly ageMs: number; readonly createdAtMs: number; readonly error: unknown } & ReadLabels)
  /** This call joined an identical lookup already in flight and got its result (de-duplication). */
  | ({ readonly type: 'joined'; readonly key: string } & ReadLabels)
  | ({
      readonly type: 'fill'
      readonly key: string
      readonly bytes: number
      readonly ttlSeconds: number
    } & ReadLabels)
  | ({
      readonly type: 'skip'
      /** The entry key, when the skip concerns one entry. */
      readonly key?: string
      readonly reason: SkipReason
      /** Why, in words (set by bindings for `bypass`; names the storage rule behind `rate-limited`). */
      readonly detail?: string
    } & ReadLabels)
  | {
      /** A binding fell back to a coarser but safe plan (table-level instead of row-level invalidation...). */
      readonly type: 'degraded'
      /** Who degraded: `drizzle`, `prisma`, `kysely`, `catalog`... */
      readonly source: string
      /** What was lost and why, in words. */
      readonly detail: string
      readonly error?: unknown
    }
  | {
      /**
       * A setup mistake that makes the cache do less than asked (a driver not wrapped, a lifetime
       * that never caches, two databases under one name). Without an `onEvent` handler it is also
       * written to the console once per isolate.
       */
      readonly type: 'misconfigured'
      /** Who found it: `drizzle`, `prisma`, `kysely`, `core`... */
      readonly source: string
      /** What is wrong, in one sentence. */
      readonly problem: string
      /** What to change. */
      readonly fix: string
    }
  | {
      /** Scopes bumped (by a write, or `invalidate`). */
      readonly type: 'invalidate'
      readonly scopes: readonly string[]
      readonly stamp: Stamp
      readonly quiet?: undefined
    }
  | {
      /** A write that bumped nothing: it assigned only columns the binding's `fieldTracking` declares quiet. */
      readonly type: 'invalidate'
      readonly scopes: readonly []
      readonly stamp?: undefined
      /** The table (canonical) and the columns the write assigned. */
      readonly quiet: { readonly table: string; readonly columns: readonly string[] }
    }
  | ({
      readonly type: 'error'
      readonly operation: Operation
      readonly error: unknown
      readonly key?: string
    } & ReadLabels)
  | {
      readonly type: 'breaker'
      readonly state: BreakerState
      readonly storage: string
    }
  | {
      readonly type: 'clamp'
      readonly requestedSeconds: number
      readonly appliedSeconds: number
      readonly storage: string
    }
  /** One storage call made for this view (only to handlers with `operations: true`, see `CacheEventHandler`). */
  | (StorageOperation & ReadLabels)

export type CacheEventType = CacheEvent['type']

export type MissReason =
  | 'absent'
  | 'expired'
  | 'invalidated'
  | 'corrupt'
  | 'error'
  | 'bookmark'
  /** A stamp the entry depends on could not be parsed (repaired by a bump in the background). */
  | 'stamp-unknown'

export type SkipReason =
  | 'oversized'
  | 'unencodable'
  | 'breaker-open'
  | 'invalidated-during-load'
  | 'rate-limited'
  /** A stamp read before the load could not be parsed: storing would record a stamp nothing can invalidate. */
  | 'stamp-unknown'
  /** This isolate bumped a scope the read depends on and the bump has not landed in the version store yet. */
  | 'own-bump-pending'
  /** A scope the read depends on was bumped within `sourceLagSeconds` before its query: the source may not show that write yet. */
  | 'source-lag'
  /** The loader could not read a copy of the database as recent as the writes recorded with the stamps (a D1 session given without its database). */
  | 'freshness-unmet'
  /** A binding chose not to cache a read (dependencies unknown, inside a transaction, opted out). */
  | 'bypass'
  /** A `budget` cap is (nearly) used up: the result was not stored (the detail names the cap). */
  | 'budget'
  /** `admission`: this query has not missed often enough in this isolate to be stored yet. */
  | 'not-admitted'

export type Operation = 'get' | 'set' | 'delete' | 'versions.read' | 'versions.bump' | 'encode' | 'decode' | 'revalidate' | 'bookmark'

export type BreakerState = 'closed' | 'open' | 'half-open'
