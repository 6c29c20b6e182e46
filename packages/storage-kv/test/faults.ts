import type { KvNamespaceLike } from '../src'

/**
 * Fault injection over a REAL KV binding: production KV answers 429 to a second write of the
 * same key within a second, which local KV never does. Counts what reached KV.
 */
export function rateLimitedKvFault(kv: KVNamespace, options: { windowMs?: number; alwaysFail?: boolean } = {}) {
  const windowMs = options.windowMs ?? 1000
  const lastWrite = new Map<string, number>()
  const stats = { puts: 0, rejected: 0, readCalls: 0 }
  const namespace: KvNamespaceLike = {
    get: ((key: string | string[], readOptions: { type: 'text' }) => {
      stats.readCalls++
      return kv.get(key as string, readOptions)
    }) as KvNamespaceLike['get'],
    async put(key, value, putOptions) {
      const now = Date.now()
      if (options.alwaysFail || now - (lastWrite.get(key) ?? Number.NEGATIVE_INFINITY) < windowMs) {
        stats.rejected++
        throw new Error(`KV PUT failed: 429 Too Many Requests`)
      }
      lastWrite.set(key, now)
      stats.puts++
      await kv.put(key, value, putOptions)
    },
    delete: (key) => kv.delete(key),
  }
  return { namespace, stats }
}

/** Counts KV calls as billed: a bulk get is one read call. */
export function countingKv(kv: KVNamespace) {
  const stats = { readCalls: 0, keysRead: 0, writes: 0, deletes: 0 }
  const namespace: KvNamespaceLike = {
    get: ((key: string | string[], readOptions: { type: 'text' }) => {
      stats.readCalls++
      stats.keysRead += Array.isArray(key) ? key.length : 1
      return kv.get(key as string, readOptions)
    }) as KvNamespaceLike['get'],
    put: (key, value, putOptions) => {
      stats.writes++
      return kv.put(key, value, putOptions)
    },
    delete: (key) => {
      stats.deletes++
      return kv.delete(key)
    },
  }
  return { namespace, stats }
}

/**
 * Fault injection over a REAL KV binding: puts that hang, or land late and out of order (what a
 * congested network does to production KV). While `hold(match)` is on, matching puts are parked
 * until the test releases them.
 */
export function heldPutsKvFault(kv: KVNamespace) {
  let match: ((key: string) => boolean) | undefined
  const held: { key: string; value: string; release(): Promise<void> }[] = []
  const namespace: KvNamespaceLike = {
    get: ((key: string | string[], readOptions: { type: 'text' }) => kv.get(key as string, readOptions)) as KvNamespaceLike['get'],
    put(key, value, putOptions) {
      if (!match?.(key)) return kv.put(key, value, putOptions)
      let open!: () => void
      const gate = new Promise<void>((resolve) => (open = resolve))
      const landed = gate.then(() => kv.put(key, value, putOptions))
      held.push({ key, value, release: async () => (open(), await landed) })
      return landed
    },
    delete: (key) => kv.delete(key),
  }
  return {
    namespace,
    held,
    hold: (predicate: (key: string) => boolean) => (match = predicate),
    releaseHolds: () => (match = undefined),
  }
}
