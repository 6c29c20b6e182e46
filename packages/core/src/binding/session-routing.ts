import type { Freshness } from '../source-position'

/** Where a read runs on a source with sessions (D1's Sessions API): its own session, or a new one anchored at a position or at the primary. */
export type SessionChoice = { readonly kind: 'own' } | { readonly kind: 'open'; readonly at: string } | { readonly kind: 'primary' }

/**
 * The session a read must run in for its answer to include the writes `freshness` names: the
 * caller's own when it has already seen that position (`seen`: its bookmark, null before its first
 * query), else a new one anchored there, or at the primary when a write left no position.
 */
export function sessionFor(freshness: Freshness, seen: string | null | undefined): SessionChoice {
  if (freshness.kind === 'any') return { kind: 'own' }
  if (freshness.kind === 'since') return typeof seen === 'string' && seen >= freshness.position ? { kind: 'own' } : { kind: 'open', at: freshness.position }
  return { kind: 'primary' }
}

/**
 * A D1 session's bookmark (`getBookmark()`), or undefined when the handle is not a session, has no
 * bookmark yet, or the call fails: it is read after a write has run, and must never fail it.
 */
export function bookmarkOf(handle: unknown): string | undefined {
  try {
    const bookmark = (handle as { getBookmark?: () => unknown } | null | undefined)?.getBookmark?.()
    return typeof bookmark === 'string' ? bookmark : undefined
  } catch {
    return undefined
  }
}
