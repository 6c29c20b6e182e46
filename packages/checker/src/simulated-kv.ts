import type { Storage } from '@kvcache/core'
import { kvStorage, type KvNamespaceLike, type KvStorageOptions } from '@kvcache/storage-kv'
import type { Random } from './random'
import type { VirtualTime } from './virtual-time'

/** Options for `simulatedKv`. */
export interface SimulatedKvOptions {
  readonly time: VirtualTime
  readonly random: Random
  /** How many locations (data centers) read and write. */
  readonly locations: number
  /**
   * Delay before a write that reached the central store is visible in another location, in
   * milliseconds: exponential with this mean, capped at `maxMs`. @default { meanMs: 2000, maxMs: 10000 }
   */
  readonly propagation?: { readonly meanMs: number; readonly maxMs: number }
  /** Latency of one call, in milliseconds. @default [2, 20] */
  readonly latencyMs?: readonly [number, number]
  /**
   * The tail: this fraction of calls takes `slowMs` instead (a congested network; a write may then
   * land after a newer one sent later). @default { ratio: 0, slowMs: [200, 3000] }
   */
  readonly tail?: { readonly ratio: number; readonly slowMs: readonly [number, number] }
  /** Edge cache lifetime of a read that passes no `cacheTtl`, in seconds (KV's default). @default 60 */
  readonly defaultCacheTtlSeconds?: number
  /** Writes of one key must arrive at least this far apart, in milliseconds (KV: 1000). @default 1000 */
  readonly writeIntervalMs?: number
  /**
   * This fraction of calls fails with a 500 after its latency (KV's occasional internal errors). A
   * failed read reads nothing; a failed write lands or not with equal chance (the answer is lost
   * either way), so a caller cannot tell whether it took effect. @default 0
   */
  readonly failRatio?: number
}

/** What every location sees of one key at some point: a version of the central store. */
interface Version {
  readonly seq: number
  readonly value: string | null
  readonly expiresAtMs: number
}

/** A location's edge cache of one key: what it read, and when. */
interface Cached {
  readonly version: Version | undefined
  readonly fetchedMs: number
}

export interface SimulatedKvStats {
  reads: number
  /** Reads answered by a location's edge cache. */
  cachedReads: number
  writes: number
  /** Writes rejected because the key was written less than `writeIntervalMs` before (KV's 429). */
  rateLimited: number
  /** Calls that failed with an injected 500 (`failRatio`), reads and writes. */
  failed: number
  /** Calls that took the tail's latency (`tail`). */
  slow: number
}

/** A simulated Workers KV namespace seen from several locations. */
export interface SimulatedKv {
  /** The namespace binding as a Worker in `location` sees it. */
  namespaceAt(location: number): KvNamespaceLike
  /** The real `kvStorage` backend over that binding: the `Storage` the cache uses in `location`. */
  storageAt(location: number, options?: KvStorageOptions): Storage
  /**
   * Fault injection for scripts: the next `kind` call from `location` touching a key that `match`
   * accepts stays in flight `extraMs` longer (what a congested network does to one request).
   */
  holdNext(kind: 'read' | 'write', location: number, match: (key: string) => boolean, extraMs: number): void
  readonly stats: SimulatedKvStats
}

/**
 * A simulation of Workers KV across locations (a fake, for the checker: never a stand-in in tests
 * of the real backend). Writes go to a central store, where the last to arrive wins and a second
 * write of a key within `writeIntervalMs` is rejected with a 429; the writer's location sees a write
 * at once, every other location after a seeded propagation delay. Each location keeps an edge cache
 * that serves a read for the read's `cacheTtl` (negative results included), as KV does.
 * https://developers.cloudflare.com/kv/concepts/how-kv-works/
 */
export function simulatedKv(options: SimulatedKvOptions): SimulatedKv {
  const { time, random } = options
  const propagation = options.propagation ?? { meanMs: 2000, maxMs: 10_000 }
  const [minMs, maxMs] = options.latencyMs ?? [2, 20]
  const tail = options.tail ?? { ratio: 0, slowMs: [200, 3000] }
  const stats: SimulatedKvStats = { reads: 0, cachedReads: 0, writes: 0, rateLimited: 0, failed: 0, slow: 0 }
  const latency = () => {
    if (tail.ratio > 0 && random.chance(tail.ratio)) {
      stats.slow++
      return random.between(tail.slowMs[0], tail.slowMs[1])
    }
    return random.between(minMs, maxMs)
  }
  const defaultCacheTtlMs = (options.defaultCacheTtlSeconds ?? 60) * 1000
  const writeIntervalMs = options.writeIntervalMs ?? 1000
  const lastArrival = new Map<string, number>()
  const replicas = Array.from({ length: options.locations }, () => new Map<string, Version>())
  const caches = Array.from({ length: options.locations }, () => new Map<string, Cached>())
  const failRatio = options.failRatio ?? 0
  // No draw unless faults are asked for: a world without them replays draw for draw as before.
  const fails = () => failRatio > 0 && random.chance(failRatio)
  const holds: { kind: 'read' | 'write'; location: number; match: (key: string) => boolean; extraMs: number }[] = []
  const heldFor = (kind: 'read' | 'write', location: number, keys: readonly string[]): number => {
    const index = holds.findIndex((hold) => hold.kind === kind && hold.location === location && keys.some(hold.match))
    return index < 0 ? 0 : (holds.splice(index, 1)[0] as { extraMs: number }).extraMs
  }
  let seq = 0

  const newer = (candidate: Version, current: Version | undefined) => !current || candidate.seq > current.seq
  const apply = (location: number, key: string, version: Version) => {
    const replica = replicas[location] as Map<string, Version>
    if (newer(version, replica.get(key))) replica.set(key, version)
  }

  const readAt = (location: number, key: string, cacheTtlMs: number): string | null => {
    stats.reads++
    const cache = caches[location] as Map<string, Cached>
    const cached = cache.get(key)
    let version: Version | undefined
    if (cached && time.now() - cached.fetchedMs < cacheTtlMs) {
      stats.cachedReads++
      version = cached.version
    } else {
      version = replicas[location]?.get(key)
      cache.set(key, { version, fetchedMs: time.now() })
    }
    return version && version.value !== null && version.expiresAtMs > time.now() ? version.value : null
  }

  const writeAt = async (location: number, key: string, value: string | null, ttlSeconds: number | undefined) => {
    await time.sleep(latency() + heldFor('write', location, [key]))
    if (fails()) {
      stats.failed++
      // Landed (unless KV's per-key limit refused it) or not: the caller hears a 500 either way.
      if (random.chance(0.5)) ignoreRateLimit(() => land(location, key, value, ttlSeconds))
      throw new Error(`KV PUT failed: 500 Internal Server Error (${key})`)
    }
    land(location, key, value, ttlSeconds)
  }

  /** A write arriving at the central store: a 429 within the key's interval, else the newest version, propagated. */
  const land = (location: number, key: string, value: string | null, ttlSeconds: number | undefined) => {
    stats.writes++
    const arrivedMs = time.now()
    if (arrivedMs - (lastArrival.get(key) ?? Number.NEGATIVE_INFINITY) < writeIntervalMs) {
      stats.rateLimited++
      // The message storage-kv recognizes as KV's per-key rate limit.
      throw new Error(`KV PUT failed: 429 Too Many Requests (${key})`)
    }
    lastArrival.set(key, arrivedMs)
    const version: Version = { seq: ++seq, value, expiresAtMs: ttlSeconds === undefined ? Number.POSITIVE_INFINITY : arrivedMs + ttlSeconds * 1000 }
    apply(location, key, version)
    const cache = caches[location] as Map<string, Cached>
    if (newer(version, cache.get(key)?.version)) cache.set(key, { version, fetchedMs: arrivedMs })
    for (let other = 0; other < options.locations; other++) {
      if (other !== location) time.setTimeout(() => apply(other, key, version), random.exponential(propagation.meanMs, propagation.maxMs))
    }
  }

  const namespaceAt = (location: number): KvNamespaceLike => {
    if (!Number.isInteger(location) || location < 0 || location >= options.locations) throw new Error(`[checker] simulated-kv: no location ${location}`)
    const get = async (keys: string | string[], readOptions?: { cacheTtl?: number }) => {
      await time.sleep(latency() + heldFor('read', location, typeof keys === 'string' ? [keys] : keys))
      if (fails()) {
        stats.failed++
        throw new Error('KV GET failed: 500 Internal Server Error')
      }
      const cacheTtlMs = readOptions?.cacheTtl === undefined ? defaultCacheTtlMs : readOptions.cacheTtl * 1000
      if (typeof keys === 'string') return readAt(location, keys, cacheTtlMs)
      return new Map(keys.map((key) => [key, readAt(location, key, cacheTtlMs)]))
    }
    return {
      get: get as KvNamespaceLike['get'],
      put: (key, value, putOptions) => writeAt(location, key, value, putOptions?.expirationTtl),
      delete: (key) => writeAt(location, key, null, undefined),
    }
  }

  return {
    namespaceAt,
    storageAt: (location, storageOptions) => kvStorage(namespaceAt(location), storageOptions),
    holdNext: (kind, location, match, extraMs) => void holds.push({ kind, location, match, extraMs }),
    stats,
  }
}

/** Runs `land` for a write whose answer is lost anyway: a 429 it raises reaches nobody. */
function ignoreRateLimit(land: () => void): void {
  try {
    land()
  } catch {
    // Refused by the per-key limit: counted in `rateLimited`, nothing landed.
  }
}
