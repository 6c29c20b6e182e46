import { createCache, memoryStorage, memoryVersions, type CacheOptions, type Storage, type StorageCapabilities } from '../src'
import { isStampKey } from '../src/layout'
import { deferred, eventLog, manualClock } from '../src/testing'

export { deferred, eventLog, fakeTable, manualClock } from '../src/testing'

// One copy for every package's tests: core has no dependency on test-support, but its tests may
// read a plain file from it (as vitest.config.ts does).
export { thrown } from '../../../test-support/thrown'

/**
 * A cache on memory storage and stamps whose clocks are the cache's manual clock (the bytes expire
 * when the plan says, not later), its events logged; `options` override any of it.
 */
export function cacheOnManualClock(options: Partial<CacheOptions> = {}) {
  const clock = manualClock()
  const log = eventLog()
  const cache = createCache({
    storage: memoryStorage({ now: clock.now }),
    versions: memoryVersions({ now: clock.now }),
    now: clock.now,
    onEvent: log.onEvent,
    ...options,
  })
  return { cache, clock, log }
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

/** Memory-like storage declaring other capabilities (e.g. a per-key write interval it does not enforce itself). */
export function withCapabilities(inner: Storage, capabilities: Partial<StorageCapabilities>): Storage {
  return { ...inner, capabilities: { ...inner.capabilities, ...capabilities } }
}

/**
 * Fault injection for writes that hang or land late, which real storage only does under load:
 * while `hold(predicate)` is on, matching writes are parked until the test releases them (they
 * then land, late and out of order) or never.
 */
export function heldWritesFault(inner: Storage) {
  let predicate: ((key: string, value: string) => boolean) | undefined
  const held: { key: string; value: string; release(): Promise<void> }[] = []
  const storage: Storage = {
    ...inner,
    name: `${inner.name}-held`,
    set(key, value, options) {
      if (!predicate?.(key, value)) return inner.set(key, value, options)
      const gate = deferred()
      const landed = gate.promise.then(() => inner.set(key, value, options))
      held.push({ key, value, release: async () => (gate.resolve(), await landed) })
      return landed
    },
  }
  return {
    storage,
    held,
    hold(match: (key: string, value: string) => boolean) {
      predicate = match
    },
    releaseHolds() {
      predicate = undefined
    },
  }
}

/** Fault injection for slow large reads (tens of MiB over a slow link): reads returning more than `minChars` take `delayMs`. */
export function slowLargeReadsFault(inner: Storage, options: { minChars: number; delayMs: number }): Storage & { lastSlowRead: Promise<unknown> } {
  let lastSlowRead: Promise<unknown> = Promise.resolve()
  const slow = async <T>(value: T, size: number): Promise<T> => {
    if (size < options.minChars) return value
    const delivered = new Promise<T>((resolve) => setTimeout(() => resolve(value), options.delayMs))
    lastSlowRead = delivered
    return delivered
  }
  return {
    get lastSlowRead() {
      return lastSlowRead
    },
    ...inner,
    name: `${inner.name}-slow-large`,
    async get(key, context) {
      const value = await inner.get(key, context)
      return slow(value, value?.length ?? 0)
    },
    async getMany(keys, context) {
      const found = await (inner.getMany as NonNullable<Storage['getMany']>)(keys, context)
      return slow(found, Math.max(0, ...[...found.values()].map((value) => value?.length ?? 0)))
    },
  }
}
