import type { Storage } from '../src'

export { deferred, eventLog, manualClock } from '../src/testing'

/** A tiny table standing in for the database a loader reads. */
export function fakeTable<T>(initial: T) {
  let value = initial
  let loads = 0
  return {
    load: async () => {
      loads++
      return structuredClone(value)
    },
    write(next: T) {
      value = next
    },
    get loads() {
      return loads
    },
  }
}

/** Fault injection the real backends cannot produce on demand: every call throws (or hangs). */
export function failingStorageFault(inner: Storage, mode: { failing: boolean; hang?: boolean }): Storage & { calls: number } {
  const wrapped = {
    calls: 0,
    name: `${inner.name}-fault`,
    capabilities: inner.capabilities,
    get: (key: string) => act(() => inner.get(key)),
    getMany: (keys: readonly string[]) => act(() => inner.getMany!(keys)),
    set: (key: string, value: string, options?: { ttlSeconds?: number }) => act(() => inner.set(key, value, options)),
    delete: (key: string) => act(() => inner.delete(key)),
  }
  function act<T>(work: () => T | Promise<T>): Promise<T> {
    wrapped.calls++
    if (mode.hang) return new Promise<T>(() => {})
    if (mode.failing) return Promise.reject(new Error('injected storage failure'))
    return Promise.resolve(work())
  }
  return wrapped
}

/**
 * Fault injection for eventual consistency: after `freeze()`, reads of version-stamp keys
 * return what they held at that moment, as a KV location whose edge cache has not caught up.
 */
export function laggingStampsFault(inner: Storage): Storage & { freeze(): Promise<void> } {
  let snapshot: Map<string, string | null> | undefined
  const isStampKey = (key: string) => key.includes(':v:')
  const read = async (key: string) => {
    if (snapshot && isStampKey(key)) {
      if (!snapshot.has(key)) snapshot.set(key, await inner.get(key))
      return snapshot.get(key) ?? null
    }
    return inner.get(key)
  }
  const known = new Set<string>()
  return {
    name: `${inner.name}-lagging`,
    capabilities: inner.capabilities,
    get: read,
    async getMany(keys) {
      for (const key of keys) if (isStampKey(key)) known.add(key)
      return new Map(await Promise.all(keys.map(async (key) => [key, await read(key)] as const)))
    },
    set: (key, value, options) => inner.set(key, value, options),
    delete: (key) => inner.delete(key),
    async freeze() {
      snapshot = new Map()
      for (const key of known) snapshot.set(key, await inner.get(key))
    },
  }
}
