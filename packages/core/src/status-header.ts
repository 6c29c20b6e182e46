import { UNKNOWN_TABLE, type MetricsSnapshot } from './metrics'
import type { CacheEvent, MissReason } from './types'

/** How a read was answered, in the order the header lists them. */
const OUTCOMES = ['hit', 'stale', 'stale-if-error', 'joined', 'miss', 'bypass'] as const
type Outcome = (typeof OUTCOMES)[number]

/** Tables named in the header, at most; more are summarised as `+N`. */
const MAX_TABLES = 8

interface Summary {
  readonly outcomes: Record<Outcome, number>
  readonly tables: readonly string[]
  /** Age of the oldest entry served, in milliseconds. */
  readonly maxAgeMs: number
  readonly missReason: MissReason | undefined
}

/**
 * One response header value saying what the cache did for a request, for local development
 * (`x-kvcache`). From the request's events (a `withContext` listener's) or a `createMetrics()`
 * snapshot:
 *
 *   hit; tables=posts; age=12            one read: its outcome, tables, and the entry's age in seconds
 *   miss; reason=absent; tables=posts    one read that went to the database, and why
 *   hit=3 miss=1; tables=posts,users     several reads: how many of each (hit, stale, stale-if-error,
 *                                        joined, miss, bypass), and every table they read
 *   none                                 no read used the cache
 *
 * A read answered by stale-if-error counts as that, not as the miss before it. Table names are
 * percent-encoded where they are not letters, digits or `_.$-`, so the value stays a valid header.
 *
 * @example
 * response.headers.set('x-kvcache', cacheStatusHeader(metrics.snapshot()))
 */
export function cacheStatusHeader(source: MetricsSnapshot | readonly CacheEvent[]): string {
  const summary = isEvents(source) ? summariseEvents(source) : summariseSnapshot(source)
  const present = OUTCOMES.filter((outcome) => summary.outcomes[outcome] > 0)
  const reads = present.reduce((sum, outcome) => sum + summary.outcomes[outcome], 0)
  if (reads === 0) return 'none'
  const parts: string[] = []
  const single = reads === 1 ? present[0] : undefined
  parts.push(single ?? present.map((outcome) => `${outcome}=${summary.outcomes[outcome]}`).join(' '))
  if (single === 'miss' && summary.missReason !== undefined) parts.push(`reason=${summary.missReason}`)
  if (summary.tables.length > 0) parts.push(`tables=${listTables(summary.tables)}`)
  if (single === 'hit' || single === 'stale' || single === 'stale-if-error') parts.push(`age=${Math.floor(summary.maxAgeMs / 1000)}`)
  return parts.join('; ')
}

function isEvents(source: MetricsSnapshot | readonly CacheEvent[]): source is readonly CacheEvent[] {
  return Array.isArray(source)
}

function summariseEvents(events: readonly CacheEvent[]): Summary {
  const outcomes = zeroOutcomes()
  const tables = new Set<string>()
  let maxAgeMs = 0
  let missReason: MissReason | undefined
  for (const event of events) {
    const outcome = outcomeOf(event)
    if (outcome === undefined) continue
    outcomes[outcome]++
    if (event.type === 'miss') missReason ??= event.reason
    if (event.type === 'hit' || event.type === 'stale' || event.type === 'stale-if-error') maxAgeMs = Math.max(maxAgeMs, event.ageMs)
    for (const table of (event as { readonly tables?: readonly string[] }).tables ?? []) tables.add(table)
  }
  // Each stale-if-error answer followed a miss of the same read: one read, counted once.
  outcomes.miss -= outcomes['stale-if-error']
  return { outcomes, tables: [...tables], maxAgeMs, missReason }
}

function summariseSnapshot(snapshot: MetricsSnapshot): Summary {
  const { totals } = snapshot
  const reasons = Object.keys(totals.missReasons) as MissReason[]
  return {
    outcomes: {
      hit: totals.hits,
      stale: totals.staleHits,
      'stale-if-error': totals.staleIfError,
      joined: totals.joined,
      miss: totals.misses - totals.staleIfError,
      bypass: totals.bypasses,
    },
    tables: Object.keys(snapshot.tables).filter((table) => table !== UNKNOWN_TABLE && isRead(snapshot.tables[table])),
    maxAgeMs: totals.maxAgeMs,
    missReason: reasons.length === 1 ? reasons[0] : undefined,
  }
}

/** A table a read touched (not one only an invalidation named). */
function isRead(counts: MetricsSnapshot['totals'] | undefined): boolean {
  return counts !== undefined && counts.hits + counts.staleHits + counts.staleIfError + counts.joined + counts.misses + counts.bypasses > 0
}

function outcomeOf(event: CacheEvent): Outcome | undefined {
  switch (event.type) {
    case 'hit':
    case 'stale':
    case 'stale-if-error':
    case 'joined':
    case 'miss':
      return event.type
    case 'skip':
      return event.reason === 'bypass' ? 'bypass' : undefined
    default:
      return undefined
  }
}

function zeroOutcomes(): Record<Outcome, number> {
  return { hit: 0, stale: 0, 'stale-if-error': 0, joined: 0, miss: 0, bypass: 0 }
}

function listTables(tables: readonly string[]): string {
  const shown = tables.slice(0, MAX_TABLES).map(headerSafe)
  return tables.length > MAX_TABLES ? `${shown.join(',')},+${tables.length - MAX_TABLES}` : shown.join(',')
}

/** Percent-encodes (UTF-8) every character but letters, digits and `_.$-`; a lone surrogate becomes U+FFFD. */
function headerSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_.$-]/gu, (char) => (char.length === 1 && char >= '\ud800' && char <= '\udfff' ? '%EF%BF%BD' : encodeURIComponent(char)))
}
