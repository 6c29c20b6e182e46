import type { CacheEvent, MissReason, SkipReason } from './types'

/**
 * What the cache did for one query, as a binding reports it to the caller (Drizzle's and Kysely's
 * `withStatus`, Prisma's `withAccelerateInfo`):
 *
 *   hit             served from the cache, fresh
 *   stale           served from the cache after its freshness (swr); refreshed in the background
 *   stale-if-error  the database failed; an entry that had aged out answered
 *   joined          merged into an identical lookup already in flight (one database read for both)
 *   miss            read from the database (`reason`); stored unless `skipped` says why not
 *   uncached        the cache was not used (`reason`: bypassed, an uncacheable statement...)
 */
export type QueryStatus =
  | { readonly kind: 'hit'; readonly ageMs: number; readonly tables: readonly string[] }
  | { readonly kind: 'stale'; readonly ageMs: number; readonly tables: readonly string[] }
  | { readonly kind: 'stale-if-error'; readonly ageMs: number; readonly error: unknown; readonly tables: readonly string[] }
  | { readonly kind: 'joined'; readonly tables: readonly string[] }
  | { readonly kind: 'miss'; readonly reason: MissReason; readonly skipped?: SkipReason; readonly tables: readonly string[] }
  | { readonly kind: 'uncached'; readonly reason: string; readonly tables: readonly string[] }

/** Follows the events of one read and says what happened (the last serving event wins: a miss may follow a hit that failed to decode). */
export function statusRecorder(tables: () => readonly string[]) {
  let status: QueryStatus | undefined
  let skipped: SkipReason | undefined
  return {
    observe(event: CacheEvent): void {
      switch (event.type) {
        case 'hit':
        case 'stale':
          status = { kind: event.type, ageMs: event.ageMs, tables: tables() }
          return
        case 'stale-if-error':
          status = { kind: 'stale-if-error', ageMs: event.ageMs, error: event.error, tables: tables() }
          return
        case 'joined':
          status = { kind: 'joined', tables: tables() }
          return
        case 'miss':
          status = { kind: 'miss', reason: event.reason, tables: tables() }
          return
        case 'skip':
          if (event.reason !== 'bypass') skipped ??= event.reason
          return
        default:
          return
      }
    },
    /** What happened; `fallback` when no serving event was seen (the read never reached storage). */
    status(fallback: string): QueryStatus {
      if (!status) return { kind: 'uncached', reason: skipped ?? fallback, tables: tables() }
      return status.kind === 'miss' && skipped ? { ...status, skipped } : status
    },
  }
}

/** Hands a status to the caller's callback; what it throws is swallowed, like an event handler's. */
export function tellStatus(onStatus: (status: QueryStatus) => void, status: QueryStatus): void {
  try {
    onStatus(status)
  } catch {
    // The caller's own code: it must not turn a served read into a failure.
  }
}

/** Tells `onStatus` (when given) that a read ran without the cache, and why. */
export function tellUncached(onStatus: ((status: QueryStatus) => void) | undefined, reason: string): void {
  if (onStatus) tellStatus(onStatus, { kind: 'uncached', reason, tables: [] })
}
