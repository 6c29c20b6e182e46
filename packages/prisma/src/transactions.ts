import type { Cache } from '@kvcache/core'
import type { BindingRuntime, TransactionBuffer, TransactionStep } from '@kvcache/core/binding'

/** The engine call Prisma makes to start, commit and roll back interactive transactions (stable since Prisma 4). */
interface EngineLike {
  transaction(action: string, headers: unknown, info: unknown): Promise<unknown>
}

interface OpenTransaction {
  /** Nesting depth: Prisma 7 runs nested `$transaction` calls under the same id, as savepoints. */
  depth: number
  /** One core transaction buffer per cache (or request view) that wrote inside it. */
  readonly buffers: Map<Cache, TransactionBuffer>
}

/** Interactive transactions as core transaction buffers, per transaction id. */
export interface TransactionRegistry {
  /** False when Prisma's engine could not be observed: writes inside transactions then publish at once. */
  readonly tracking: boolean
  /** The buffer of `runtime`'s cache in the open transaction `id`, or undefined when we did not see it start. */
  buffer(id: string, runtime: BindingRuntime): TransactionBuffer | undefined
}

const registries = new WeakMap<object, TransactionRegistry>()

function idOf(info: unknown): string | undefined {
  const id = (info as { id?: unknown } | null)?.id
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined
}

/**
 * The steps an engine call means at a nesting depth: a nested transaction is an anonymous
 * savepoint (its commit releases it; its rollback rolls back to it and releases it).
 */
function stepsOf(action: string, depth: number, succeeded: boolean): TransactionStep[] {
  if (action === 'start') return depth === 1 ? [{ kind: 'begin' }] : [{ kind: 'savepoint' }]
  if (depth === 1) return action === 'commit' ? [{ kind: 'commit' }] : [{ kind: 'rollback' }]
  // A nested rollback that failed may not have undone anything: keep its writes (release only).
  return action === 'rollback' && succeeded ? [{ kind: 'rollback-to' }, { kind: 'release' }] : [{ kind: 'release' }]
}

/**
 * One registry per Prisma engine (shared by every client extended from the same base, so a
 * per-request `$extends` adds no wrapper). No public Prisma API reports commit or rollback, so
 * the engine's `transaction` method is wrapped and each call applied to the core transaction
 * buffers of that transaction (a commit publishes even when the call failed: it may have committed).
 */
export function transactionRegistry(client: unknown): TransactionRegistry {
  const engine = (client as { _engine?: EngineLike } | null)?._engine
  if (!engine || typeof engine.transaction !== 'function') return { tracking: false, buffer: () => undefined }
  const existing = registries.get(engine)
  if (existing) return existing
  const open = new Map<string, OpenTransaction>()
  const apply = async (entry: OpenTransaction, steps: readonly TransactionStep[]) => {
    for (const buffer of entry.buffers.values()) for (const step of steps) await buffer.apply(step)
  }
  const original = engine.transaction.bind(engine)
  engine.transaction = async (action, headers, info) => {
    if (action === 'start') {
      const started = await original(action, headers, info)
      const id = idOf(started)
      if (id !== undefined) {
        const entry = open.get(id) ?? { depth: 0, buffers: new Map() }
        entry.depth += 1
        open.set(id, entry)
        await apply(entry, stepsOf(action, entry.depth, true))
      }
      return started
    }
    const id = idOf(info)
    const entry = id === undefined ? undefined : open.get(id)
    let succeeded = false
    try {
      const result = await original(action, headers, info)
      succeeded = true
      return result
    } finally {
      if (entry && id !== undefined) {
        await apply(entry, stepsOf(action, entry.depth, succeeded))
        entry.depth -= 1
        if (entry.depth <= 0) open.delete(id)
      }
    }
  }
  const registry: TransactionRegistry = {
    tracking: true,
    buffer(id, runtime) {
      const entry = open.get(id)
      if (!entry) return undefined
      let buffer = entry.buffers.get(runtime.cache)
      if (!buffer) {
        buffer = runtime.transaction()
        // Joins at the current depth: begin, and one savepoint per nested transaction open now (no writes yet, nothing to publish).
        void buffer.apply({ kind: 'begin' })
        for (let level = 1; level < entry.depth; level++) void buffer.apply({ kind: 'savepoint' })
        entry.buffers.set(runtime.cache, buffer)
      }
      return buffer
    },
  }
  registries.set(engine, registry)
  return registry
}
