import { createStampClock, isStamp, maxStamp, ZERO_STAMP } from './clock'
import { kvCacheError } from './errors'
import { assertKnownOptions, assertPositive } from './options'
import type { BumpContext, Stamp, Storage, VersionStore } from './types'

/** Options for `storageVersions`. */
export interface StorageVersionsOptions {
  /** Where stamps live. Must be durable: an evicted stamp would resurrect invalidated entries. */
  readonly storage: Storage
  /** Key prefix; stamps are stored at `<prefix>:v:<scope>`. @default 'kvc' */
  readonly prefix?: string
  /** How many times a failed stamp write is retried (with doubling backoff) before an error is reported. @default 6 */
  readonly maxRetries?: number
  /** First retry delay, in milliseconds; at least the storage's per-key write interval. @default 250 */
  readonly retryBaseMs?: number
  /** Clock in epoch milliseconds, for tests. @default Date.now */
  readonly now?: () => number
}

interface KeyWriter {
  lastWriteMs: number
  pending: Stamp | undefined
  running: Promise<void> | undefined
}

const OVERLAY_LIMIT = 10_000
const OVERLAY_KEEP_MS = 120_000

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Version stamps kept in the entry storage itself (KV by default). Stamp writes are coalesced
 * per key to respect the backend's per-key write rate (KV: one per second), retried with backoff
 * on failure, and reported through `onError` if they run out of retries. This isolate sees its
 * own bumps at once; other locations see them within the storage's propagation delay.
 */
export function storageVersions(options: StorageVersionsOptions): VersionStore {
  assertKnownOptions('storage-versions', options, ['storage', 'prefix', 'maxRetries', 'retryBaseMs', 'now'])
  const { storage } = options
  if (!storage) throw kvCacheError('MISSING_BINDING', 'storage-versions', 'Missing required option `storage`.')
  if (!storage.capabilities.durable) {
    throw kvCacheError(
      'INVALID_OPTION',
      'storage-versions',
      `Storage \`${storage.name}\` may evict keys, so it cannot hold version stamps. Pass \`versions\` backed by KV, a Durable Object or memory.`,
    )
  }
  assertPositive('storage-versions', 'maxRetries', options.maxRetries, { allowZero: true })
  assertPositive('storage-versions', 'retryBaseMs', options.retryBaseMs)
  const prefix = options.prefix ?? 'kvc'
  const now = options.now ?? Date.now
  const maxRetries = options.maxRetries ?? 6
  const intervalMs = storage.capabilities.minWriteIntervalMs
  const retryBaseMs = Math.max(options.retryBaseMs ?? 250, intervalMs)
  const clock = createStampClock(now)
  // Highest stamp this isolate bumped per scope: read-your-writes here even before storage propagates.
  const local = new Map<string, { stamp: Stamp; atMs: number }>()
  const writers = new Map<string, KeyWriter>()

  // Bounded memory: the overlay only matters until storage has propagated (KV: about 60 s).
  const prune = () => {
    if (local.size <= OVERLAY_LIMIT && writers.size <= OVERLAY_LIMIT) return
    const cutoff = now() - OVERLAY_KEEP_MS
    for (const [scope, seen] of local) if (seen.atMs < cutoff) local.delete(scope)
    for (const [key, writer] of writers) if (!writer.running && writer.lastWriteMs < cutoff) writers.delete(key)
  }

  const keyOf = (scope: string) => `${prefix}:v:${scope}`

  const decode = (scope: string, raw: string | null): Stamp => {
    const stored = isStamp(raw) ? raw : ZERO_STAMP
    clock.observe(stored)
    return maxStamp(stored, local.get(scope)?.stamp ?? ZERO_STAMP)
  }

  const read = async (scopes: readonly string[]): Promise<Stamp[]> => {
    if (scopes.length === 0) return []
    const keys = scopes.map(keyOf)
    const raws = new Map<string, string | null>()
    if (storage.getMany) {
      const size = storage.capabilities.maxBatchGet
      const chunks: Promise<ReadonlyMap<string, string | null>>[] = []
      for (let i = 0; i < keys.length; i += size) chunks.push(Promise.resolve(storage.getMany(keys.slice(i, i + size))))
      for (const chunk of await Promise.all(chunks)) for (const [key, value] of chunk) raws.set(key, value)
    } else {
      const values = await Promise.all(keys.map((key) => storage.get(key)))
      keys.forEach((key, i) => raws.set(key, values[i] ?? null))
    }
    return scopes.map((scope, i) => decode(scope, raws.get(keys[i] as string) ?? null))
  }

  // Writes the newest pending stamp for one key, waiting out the per-key interval and retrying.
  const drain = async (key: string, writer: KeyWriter, firstAttempt: () => void, context: BumpContext | undefined) => {
    let attempt = 0
    while (writer.pending !== undefined) {
      const wait = writer.lastWriteMs + (attempt === 0 ? intervalMs : retryBaseMs * 2 ** (attempt - 1)) - now()
      if (wait > 0) await sleep(wait)
      const stamp = writer.pending
      writer.pending = undefined
      try {
        writer.lastWriteMs = now()
        await storage.set(key, stamp)
        attempt = 0
      } catch (error) {
        writer.pending = maxStamp(writer.pending ?? ZERO_STAMP, stamp)
        attempt++
        if (attempt > maxRetries) {
          writer.pending = undefined
          context?.onError?.(
            kvCacheError('STORAGE_FAILED', 'storage-versions', `Gave up writing stamp ${key} after ${maxRetries} retries.`, error),
          )
        }
      } finally {
        firstAttempt()
      }
    }
  }

  const schedule = (key: string, stamp: Stamp, context: BumpContext | undefined): Promise<void> => {
    let writer = writers.get(key)
    if (!writer) {
      writer = { lastWriteMs: Number.NEGATIVE_INFINITY, pending: undefined, running: undefined }
      writers.set(key, writer)
    }
    writer.pending = maxStamp(writer.pending ?? ZERO_STAMP, stamp)
    if (writer.running) {
      // Coalesced into the write already queued for this key.
      context?.waitUntil?.(writer.running)
      return Promise.resolve()
    }
    const immediate = now() - writer.lastWriteMs >= intervalMs
    let signal!: () => void
    const attempted = new Promise<void>((resolve) => (signal = resolve))
    const current = writer
    current.running = drain(key, current, signal, context).finally(() => {
      current.running = undefined
    })
    context?.waitUntil?.(current.running)
    // Wait for the first attempt when it can go out now; a throttled write finishes in the background.
    return immediate ? attempted : Promise.resolve()
  }

  return {
    name: `storage:${storage.name}`,
    consistency: storage.capabilities.reach === 'global' ? 'eventual' : 'local',
    read,
    async bump(scopes, context) {
      // Reading first moves the clock past stamps minted elsewhere, so this bump outranks them.
      await read(scopes)
      const stamp = clock.next()
      prune()
      for (const scope of scopes) local.set(scope, { stamp, atMs: now() })
      await Promise.all(scopes.map((scope) => schedule(keyOf(scope), stamp, context)))
      return stamp
    },
    async settle() {
      while ([...writers.values()].some((writer) => writer.running)) {
        await Promise.all([...writers.values()].map((writer) => writer.running))
      }
    },
    colocated: { storage, keyOf, decode },
  }
}
