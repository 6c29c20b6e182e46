import { assertKnownOptions, assertPositive } from './options'
import type { Storage } from './types'

/** Options for `memoryStorage`. */
export interface MemoryStorageOptions {
  /** Evicts the least recently used key beyond this many entries (the store then stops being durable). @default unbounded */
  readonly maxEntries?: number
  /** Clock in epoch milliseconds, for tests. @default Date.now */
  readonly now?: () => number
}

/**
 * In-process storage: the embedded default for tests and single-process Node servers, and the
 * reference implementation of the `Storage` contract.
 */
export function memoryStorage(options: MemoryStorageOptions = {}): Storage {
  assertKnownOptions('memory-storage', options, ['maxEntries', 'now'])
  assertPositive('memory-storage', 'maxEntries', options.maxEntries)
  const now = options.now ?? Date.now
  const maxEntries = options.maxEntries ?? Number.POSITIVE_INFINITY
  const data = new Map<string, { value: string; expiresAtMs: number }>()

  const read = (key: string): string | null => {
    const slot = data.get(key)
    if (!slot) return null
    if (slot.expiresAtMs <= now()) {
      data.delete(key)
      return null
    }
    // Re-insert so Map order tracks recency for LRU eviction.
    data.delete(key)
    data.set(key, slot)
    return slot.value
  }

  return {
    name: 'memory',
    capabilities: {
      minTtlSeconds: 0,
      maxKeyBytes: 64 * 1024,
      maxValueBytes: 128 * 1024 * 1024,
      maxBatchGet: 1000,
      minWriteIntervalMs: 0,
      durable: maxEntries === Number.POSITIVE_INFINITY,
      reach: 'local',
      globalDelete: true,
      listKeys: true,
    },
    get: read,
    getMany: (keys) => new Map(keys.map((key) => [key, read(key)])),
    set(key, value, setOptions) {
      const ttl = setOptions?.ttlSeconds
      data.delete(key)
      data.set(key, { value, expiresAtMs: ttl === undefined ? Number.POSITIVE_INFINITY : now() + ttl * 1000 })
      while (data.size > maxEntries) data.delete(data.keys().next().value as string)
    },
    delete(key) {
      data.delete(key)
    },
    dispose() {
      data.clear()
    },
  }
}

/** A storage that stores nothing: every read misses. Reference implementation and test double. */
export function noopStorage(): Storage {
  return {
    name: 'noop',
    capabilities: {
      minTtlSeconds: 0,
      maxKeyBytes: Number.MAX_SAFE_INTEGER,
      maxValueBytes: Number.MAX_SAFE_INTEGER,
      maxBatchGet: Number.MAX_SAFE_INTEGER,
      minWriteIntervalMs: 0,
      durable: false,
      reach: 'local',
      globalDelete: true,
      listKeys: false,
    },
    get: () => null,
    getMany: (keys) => new Map(keys.map((key) => [key, null])),
    set: () => undefined,
    delete: () => undefined,
  }
}
