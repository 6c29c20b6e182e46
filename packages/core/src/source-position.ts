import { parseStoredStamp, UNKNOWN_STAMP, ZERO_STAMP } from './clock'
import { kvCacheError } from './errors'
import type { Stamp } from './types'

/**
 * Where a source stands after a write: a D1 session bookmark (`00000085-0000024c-00004c6d-<hash>`).
 * Positions of one database sort in the order of its writes, as strings. Recorded beside the
 * stamps a write bumps, so a reader that misses can ask a replica for a copy at least that recent.
 */
export type SourcePosition = string

/** What a loader must read for its result to be cached: any copy, one at least this recent, or the primary. */
export type Freshness = { readonly kind: 'any' } | { readonly kind: 'since'; readonly position: SourcePosition } | { readonly kind: 'primary' }

/** Told to a loader: how recent a copy of the database its answer must come from. */
export interface LoadContext {
  readonly freshness: Freshness
  /** The loader could not read a copy that recent (a D1 session it cannot re-anchor): its answer is served, not stored. */
  cannotMeet(): void
}

/** For a result that will not be stored: any copy will do. */
export const ANY_COPY: LoadContext = { freshness: { kind: 'any' }, cannotMeet: () => {} }

/** Runs a loader told `freshness`; says whether it could meet it. */
export async function loadWith<T>(loader: (context: LoadContext) => T | Promise<T>, freshness: Freshness): Promise<{ value: T; met: boolean }> {
  let met = true
  const value = await loader({ freshness, cannotMeet: () => void (met = false) })
  return { value, met }
}

const POSITION = /^[0-9A-Za-z._:-]{1,200}$/

export function isSourcePosition(value: unknown): value is SourcePosition {
  return typeof value === 'string' && POSITION.test(value)
}

/** Validates a position given to `invalidate` (it comes from a driver, but is stored for every reader). */
export function assertSourcePosition(where: string, value: unknown): SourcePosition | undefined {
  if (value === undefined) return undefined
  if (!isSourcePosition(value)) {
    throw kvCacheError('INVALID_OPTION', where, 'Option `sourcePosition` must be a D1 bookmark (1-200 characters of letters, digits, `-`, `_`, `.`, `:`).')
  }
  return value
}

/** Two bumps coalesced into one write: the later position, or none if either had none (only the primary is sure then). */
export function mergePositions(a: SourcePosition | undefined, b: SourcePosition | undefined): SourcePosition | undefined {
  if (a === undefined || b === undefined) return undefined
  return a > b ? a : b
}

/** A stamp as stored: `<stamp>`, or `<stamp> <position>` when its bump said where the source stood. */
export function encodeStampValue(stamp: Stamp, position: SourcePosition | undefined): string {
  return position === undefined ? stamp : `${stamp} ${position}`
}

/** Reads a stored stamp value; anything malformed is an unknown stamp (damage), never a partial answer. */
export function decodeStampValue(raw: string | null, nowMs: number): { readonly stamp: Stamp; readonly position: SourcePosition | undefined } {
  if (raw === null) return { stamp: ZERO_STAMP, position: undefined }
  const space = raw.indexOf(' ')
  if (space === -1) return { stamp: parseStoredStamp(raw, nowMs), position: undefined }
  const position = raw.slice(space + 1)
  const stamp = parseStoredStamp(raw.slice(0, space), nowMs)
  return isSourcePosition(position) && stamp !== UNKNOWN_STAMP ? { stamp, position } : { stamp: UNKNOWN_STAMP, position: undefined }
}

/**
 * What a miss must read: nothing bumped, any copy; every bumped scope with a position, a copy at
 * least as recent as the newest; a bump without one (an older writer, a store that keeps none),
 * the primary.
 */
export function freshnessOf(stamps: readonly Stamp[], positions: readonly (SourcePosition | undefined)[] | undefined): Freshness {
  let newest: SourcePosition | undefined
  for (let i = 0; i < stamps.length; i++) {
    if (stamps[i] === ZERO_STAMP) continue
    const position = positions?.[i]
    if (position === undefined) return { kind: 'primary' }
    if (newest === undefined || position > newest) newest = position
  }
  return newest === undefined ? { kind: 'any' } : { kind: 'since', position: newest }
}
