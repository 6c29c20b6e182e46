import type { Cache } from './cache-types'
import type { ScopeTarget } from './scopes'

/**
 * Invalidations collected while a transaction runs: published on commit, dropped on rollback,
 * so no reader can be told to refetch rows that never became visible (or were rolled back).
 */
export interface PendingInvalidations {
  add(target: ScopeTarget): void
  /** Publishes everything collected, in one bump. */
  commit(): Promise<void>
  /** Drops everything collected. */
  discard(): void
  readonly isEmpty: boolean
}

export function pendingInvalidations(cache: Cache): PendingInvalidations {
  let targets: ScopeTarget[] = []
  return {
    add(target) {
      targets.push(target)
    },
    async commit() {
      const merged: ScopeTarget = {
        tables: targets.flatMap((target) => target.tables ?? []),
        tags: targets.flatMap((target) => target.tags ?? []),
        rows: targets.flatMap((target) => target.rows ?? []),
        scopes: targets.flatMap((target) => target.scopes ?? []),
      }
      targets = []
      await cache.invalidate(merged)
    },
    discard() {
      targets = []
    },
    get isEmpty() {
      return targets.length === 0
    },
  }
}

/**
 * Bumps `target` before and again after `write` settles. For ORMs that report a write only as it
 * starts (Drizzle runs `onMutate` concurrently with the statement): a reader that fetched
 * pre-write rows in between is invalidated by the second bump.
 */
export async function invalidateAround<T>(cache: Cache, target: ScopeTarget, write: () => Promise<T>): Promise<T> {
  await cache.invalidate(target)
  try {
    return await write()
  } finally {
    await cache.invalidate(target)
  }
}
