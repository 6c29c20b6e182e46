import { UNKNOWN_STAMP } from './clock'
import { parseEntry, type Entry } from './entry'
import type { MissReason, Stamp } from './types'

/** What a stored entry is worth to one reader. */
export type Verdict =
  | { readonly kind: 'fresh'; readonly entry: Entry; readonly ageMs: number }
  | { readonly kind: 'stale'; readonly entry: Entry; readonly ageMs: number }
  | {
      readonly kind: 'miss'
      readonly reason: MissReason
      /** An entry that only aged out (no write invalidated it): what stale-if-error may still serve. */
      readonly aged?: { readonly entry: Entry; readonly ageMs: number }
    }

/** Everything a verdict depends on, read in one round trip (entry and current stamps). */
export interface Evidence {
  /** The stored entry, or null when absent. */
  readonly raw: string | null
  /** The scopes the reader depends on (qualified, sorted). */
  readonly scopes: readonly string[]
  /** The current stamp of each scope, in order. */
  readonly current: readonly Stamp[]
  /** The reader's session bookmark: entries read before it are too old for this reader. */
  readonly floor: Stamp
  readonly nowMs: number
}

/**
 * Judges a stored entry: served fresh, served stale (within its swr window, revalidated in the
 * background), or a miss with the reason. An entry is valid only if it depends on exactly the
 * reader's scopes and every stamp it recorded is at least the scope's current stamp; a stamp
 * that could not be parsed is never matched.
 */
export function judgeEntry(evidence: Evidence): Verdict {
  const { raw, scopes, current, floor, nowMs } = evidence
  if (current.includes(UNKNOWN_STAMP)) return { kind: 'miss', reason: 'stamp-unknown' }
  if (raw === null) return { kind: 'miss', reason: 'absent' }
  const entry = parseEntry(raw)
  if (!entry) return { kind: 'miss', reason: 'corrupt' }
  if (!sameList(entry.scopes, scopes) || !stampsStillValid(entry.stamps, current)) return { kind: 'miss', reason: 'invalidated' }
  if (entry.readStamp < floor) return { kind: 'miss', reason: 'bookmark' }
  const ageMs = nowMs - entry.createdAtMs
  if (ageMs <= entry.ttlSeconds * 1000) return { kind: 'fresh', entry, ageMs }
  if (ageMs <= (entry.ttlSeconds + entry.swrSeconds) * 1000) return { kind: 'stale', entry, ageMs }
  return { kind: 'miss', reason: 'expired', aged: { entry, ageMs } }
}

/** An entry is valid only if every stamp it recorded is at least the scope's current stamp. */
export function stampsStillValid(recorded: readonly Stamp[], current: readonly Stamp[]): boolean {
  if (recorded.length !== current.length) return false
  for (let i = 0; i < recorded.length; i++) {
    if ((recorded[i] as Stamp) < (current[i] as Stamp)) return false
  }
  return true
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
