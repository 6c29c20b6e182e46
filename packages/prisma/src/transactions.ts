import { pendingInvalidations, type PendingInvalidations } from '@kvcache/core/internal'
import type { Cache, ScopeTarget } from '@kvcache/core'

/** The engine call Prisma makes to start, commit and roll back interactive transactions (stable since Prisma 4). */
interface EngineLike {
  transaction(action: string, headers: unknown, info: unknown): Promise<unknown>
}

interface OpenTransaction {
  /** Nesting depth: Prisma 7 runs nested `$transaction` calls as savepoints under the same id. */
  depth: number
  readonly pending: Map<Cache, PendingInvalidations>
}

/** Invalidations of interactive transactions, per transaction id: published on commit, dropped on rollback. */
export interface TransactionRegistry {
  /** False when Prisma's engine could not be observed: writes inside transactions then publish at once. */
  readonly tracking: boolean
  add(transactionId: string, cache: Cache, target: ScopeTarget): void
}

const registries = new WeakMap<object, TransactionRegistry>()

function idOf(info: unknown): string | undefined {
  const id = (info as { id?: unknown } | null)?.id
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined
}

/**
 * One registry per Prisma engine (shared by every client extended from the same base, so a
 * per-request `$extends` adds no wrapper). No public Prisma API reports commit or rollback, so
 * the engine's `transaction` method is wrapped; the query hook only sees `transaction.id`.
 */
export function transactionRegistry(client: unknown): TransactionRegistry {
  const engine = (client as { _engine?: EngineLike } | null)?._engine
  if (!engine || typeof engine.transaction !== 'function') {
    return { tracking: false, add: () => undefined }
  }
  const existing = registries.get(engine)
  if (existing) return existing
  const open = new Map<string, OpenTransaction>()
  const original = engine.transaction.bind(engine)
  engine.transaction = async (action, headers, info) => {
    if (action === 'start') {
      const started = await original(action, headers, info)
      const id = idOf(started)
      if (id !== undefined) {
        const entry = open.get(id) ?? { depth: 0, pending: new Map() }
        entry.depth += 1
        open.set(id, entry)
      }
      return started
    }
    const id = idOf(info)
    const entry = id === undefined ? undefined : open.get(id)
    try {
      return await original(action, headers, info)
    } finally {
      if (entry && id !== undefined) await settle(open, id, entry, action === 'commit')
    }
  }
  const registry: TransactionRegistry = {
    tracking: true,
    add(transactionId, cache, target) {
      const entry = open.get(transactionId)
      // A transaction we did not see start (registry created mid-flight): publish now rather than never.
      if (!entry) return void cache.invalidate(target)
      let pending = entry.pending.get(cache)
      if (!pending) entry.pending.set(cache, (pending = pendingInvalidations(cache)))
      pending.add(target)
    },
  }
  registries.set(engine, registry)
  return registry
}

async function settle(open: Map<string, OpenTransaction>, id: string, entry: OpenTransaction, committed: boolean): Promise<void> {
  entry.depth -= 1
  // A savepoint released or rolled back: the outer transaction decides. Keeping a rolled-back
  // savepoint's invalidations only costs a few extra misses.
  if (entry.depth > 0) return
  open.delete(id)
  for (const pending of entry.pending.values()) {
    // A failed COMMIT may still have committed: publish on the safe side.
    if (committed) await pending.commit()
    else pending.discard()
  }
}
