import { pendingInvalidations, type PendingInvalidations } from '@kvcache/core/internal'
import type { Cache, ScopeTarget } from '@kvcache/core'

/**
 * Transaction state of one connection. Inside a transaction, reads bypass the cache (they may
 * see uncommitted rows) and invalidations wait: published on commit, dropped on rollback. A
 * savepoint marks the buffer, so `rollback to savepoint` drops only what came after it.
 */
export interface Session {
  readonly inTransaction: boolean
  begin(): void
  /** Publishes what the transaction wrote. */
  commit(): Promise<void>
  rollback(): void
  savepoint(name: string): void
  rollbackTo(name: string): void
  release(name: string): void
  /** A write: buffered inside a transaction, published now outside one. */
  publish(target: ScopeTarget): Promise<void>
}

export function createSession(cache: Cache): Session {
  let inTransaction = false
  let buffered: ScopeTarget[] = []
  let marks: { readonly name: string; readonly at: number }[] = []
  const reset = () => {
    inTransaction = false
    buffered = []
    marks = []
  }
  return {
    get inTransaction() {
      return inTransaction
    },
    begin() {
      reset()
      inTransaction = true
    },
    async commit() {
      const pending: PendingInvalidations = pendingInvalidations(cache)
      for (const target of buffered) pending.add(target)
      reset()
      if (!pending.isEmpty) await pending.commit()
    },
    rollback: reset,
    savepoint(name) {
      marks.push({ name: name.toLowerCase(), at: buffered.length })
    },
    rollbackTo(name) {
      // The savepoint stays after `rollback to`; later marks are gone.
      const index = lastMark(marks, name)
      if (index < 0) return
      buffered = buffered.slice(0, (marks[index] as { at: number }).at)
      marks = marks.slice(0, index + 1)
    },
    release(name) {
      const index = lastMark(marks, name)
      if (index >= 0) marks = marks.slice(0, index)
    },
    async publish(target) {
      if (inTransaction) buffered.push(target)
      else await cache.invalidate(target)
    },
  }
}

function lastMark(marks: readonly { readonly name: string }[], name: string): number {
  for (let index = marks.length - 1; index >= 0; index--) if (marks[index]?.name === name.toLowerCase()) return index
  return -1
}
