import { describe, expect, it } from 'vitest'
import type { CacheEvent, Storage } from './types'

/** Options for `storageConformance`. */
export interface StorageConformanceOptions {
  /** Label for the describe block. */
  readonly name: string
  /** Returns a fresh (or at least isolated) storage for each test. */
  readonly create: () => Storage | Promise<Storage>
}

let counter = 0
const uniqueKey = (label: string) => `conformance:${label}:${Date.now().toString(36)}:${(counter++).toString(36)}`

/**
 * The contract every storage backend must pass. Run it from the backend's own test file, inside
 * the runtime the backend targets (workerd for KV and the Cache API).
 */
export function storageConformance(options: StorageConformanceOptions): void {
  describe(`storage conformance: ${options.name}`, () => {
    capabilityCases(options)
    readWriteCases(options)
    bulkReadCases(options)
  })
}

function capabilityCases(options: StorageConformanceOptions): void {
  it('declares sane capabilities', async () => {
    const storage = await options.create()
    const caps = storage.capabilities
    expect(typeof storage.name).toBe('string')
    expect(storage.name.length).toBeGreaterThan(0)
    expect(caps.minTtlSeconds).toBeGreaterThanOrEqual(0)
    expect(caps.maxKeyBytes).toBeGreaterThanOrEqual(256)
    expect(caps.maxValueBytes).toBeGreaterThanOrEqual(1024 * 1024)
    expect(caps.maxBatchGet).toBeGreaterThanOrEqual(1)
    expect(caps.minWriteIntervalMs).toBeGreaterThanOrEqual(0)
    expect(['global', 'local']).toContain(caps.reach)
    if (caps.maxBatchGet > 1) expect(typeof storage.getMany).toBe('function')
  })
}

function readWriteCases(options: StorageConformanceOptions): void {
  it('returns null for a missing key', async () => {
    const storage = await options.create()
    expect(await storage.get(uniqueKey('missing'))).toBeNull()
  })

  it('reads back what it wrote, and overwrites', async () => {
    const storage = await options.create()
    const key = uniqueKey('rw')
    await storage.set(key, 'first', { ttlSeconds: Math.max(storage.capabilities.minTtlSeconds, 120) })
    expect(await storage.get(key)).toBe('first')
    await storage.set(key, 'second', { ttlSeconds: Math.max(storage.capabilities.minTtlSeconds, 120) })
    expect(await storage.get(key)).toBe('second')
  })

  it('keeps a value written without a TTL', async () => {
    const storage = await options.create()
    const key = uniqueKey('no-ttl')
    await storage.set(key, 'forever')
    expect(await storage.get(key)).toBe('forever')
  })

  it('round-trips empty, unicode, newline and large values exactly', async () => {
    const storage = await options.create()
    const ttlSeconds = Math.max(storage.capabilities.minTtlSeconds, 120)
    const values = ['', 'ünïcödé ✓ 日本語 🎉', '{"a":1}\n[1,2]', 'x'.repeat(1024 * 1024)]
    for (const value of values) {
      const key = uniqueKey('values')
      await storage.set(key, value, { ttlSeconds })
      expect(await storage.get(key)).toBe(value)
    }
  })

  it('accepts keys with separators and unicode', async () => {
    const storage = await options.create()
    const key = `${uniqueKey('keys')}:a/b?c=d&e#f:ü`
    await storage.set(key, 'ok', { ttlSeconds: Math.max(storage.capabilities.minTtlSeconds, 120) })
    expect(await storage.get(key)).toBe('ok')
    expect(await storage.get(`${key}x`)).toBeNull()
  })

  it('deletes, and deleting a missing key is not an error', async () => {
    const storage = await options.create()
    const key = uniqueKey('delete')
    await storage.set(key, 'gone soon')
    await storage.delete(key)
    expect(await storage.get(key)).toBeNull()
    await expect(Promise.resolve(storage.delete(uniqueKey('never')))).resolves.toBeUndefined()
  })
}

function bulkReadCases(options: StorageConformanceOptions): void {
  it('bulk-reads present and missing keys in one call', async () => {
    const storage = await options.create()
    if (!storage.getMany) {
      expect(storage.capabilities.maxBatchGet).toBe(1)
      return
    }
    const present = [uniqueKey('many'), uniqueKey('many')]
    const missing = uniqueKey('many-missing')
    await storage.set(present[0] as string, 'a')
    await storage.set(present[1] as string, 'b')
    const found = await storage.getMany([...present, missing])
    expect(found.get(present[0] as string)).toBe('a')
    expect(found.get(present[1] as string)).toBe('b')
    expect(found.get(missing)).toBeNull()
  })

  it('reads as many keys per call as it declares', async () => {
    const storage = await options.create()
    const count = Math.min(storage.capabilities.maxBatchGet, 100)
    const keys = Array.from({ length: Math.max(count, 3) }, () => uniqueKey('batch'))
    await Promise.all(keys.slice(0, 3).map((key) => storage.set(key, key)))
    if (!storage.getMany) {
      // No bulk read: the core asks one key per call, so each must read back on its own.
      expect(storage.capabilities.maxBatchGet).toBe(1)
      for (const key of keys.slice(0, 3)) expect(await storage.get(key)).toBe(key)
      return
    }
    const found = await storage.getMany(keys)
    expect(found.size).toBe(keys.length)
    for (const key of keys.slice(0, 3)) expect(found.get(key)).toBe(key)
    for (const key of keys.slice(3)) expect(found.get(key)).toBeNull()
  })
}

/** A promise whose resolution the test controls: makes interleavings deterministic (no sleeps). */
export function deferred<T = void>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** A manual clock for TTL tests. */
export function manualClock(start = 1_700_000_000_000) {
  let current = start
  return {
    now: () => current,
    advanceSeconds(seconds: number) {
      current += seconds * 1000
    },
  }
}

/** Collects events so tests can assert what the cache reported. */
export function eventLog() {
  const events: CacheEvent[] = []
  return {
    events,
    onEvent: (event: CacheEvent) => events.push(event),
    types: () => events.map((event) => event.type),
    of: <T extends CacheEvent['type']>(type: T) => events.filter((event) => event.type === type) as Extract<CacheEvent, { type: T }>[],
    clear: () => events.splice(0),
  }
}

/** A one-value table standing in for the database a loader reads: counts loads, hands out copies. */
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

/** Scope strings as the cache's layout spells them, for tests of version stores and tools that read events. */
export { bulkScope, databaseScope, rowScope, tableScope, tagScope } from './layout'
/** The result codec, for benchmarks that measure it alone. */
export { decodeValue, encodeValue } from './codec'
/** The savepoint histories every binding runs through its ORM's real transactions. */
export { SAVEPOINT_HISTORIES } from './savepoint-histories'
export type { HistoryStep, SavepointHistory } from './savepoint-histories'
