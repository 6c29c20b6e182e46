import { bulkGet } from './bulk-get'
import { createStampClock, maxStamp, UNKNOWN_STAMP, ZERO_STAMP } from './clock'
import { decodeStampValue } from './source-position'
import { kvCacheError } from './errors'
import { assertKeyBudget, stampKey } from './layout'
import { meteringOf } from './operations'
import { assertKnownOptions, assertPositive } from './options'
import { createStampWriter, type StampWriter } from './stamp-writer'
import { withTimeout } from './timeout'
import type { ColocatedStamp, ReadContext, Stamp, StampReading, Storage, VersionStore } from './types'

/** Options for `storageVersions`. */
export interface StorageVersionsOptions {
  /** Where stamps live. Must be durable: an evicted stamp would resurrect invalidated entries. */
  readonly storage: Storage
  /** Key prefix; stamps are stored at `<prefix>:v:<scope>`. @default 'kvc' */
  readonly prefix?: string
  /** Budget for one stamp read or write, in milliseconds; a write past it is retried. @default 1000 */
  readonly timeoutMs?: number
  /**
   * How many times a failed stamp write is retried (with doubling backoff) before an error is
   * reported. The default keeps every retry within the 30 s a Worker may run after its response.
   * @default 4
   */
  readonly maxRetries?: number
  /** First retry delay, in milliseconds; at least the storage's per-key write interval. @default 250 */
  readonly retryBaseMs?: number
  /** Clock in epoch milliseconds, for tests. @default Date.now */
  readonly now?: () => number
}

const OVERLAY_LIMIT = 10_000
const OVERLAY_KEEP_MS = 120_000

/**
 * Version stamps kept in the entry storage itself (KV by default). Stamp writes are coalesced
 * per key to respect the backend's per-key write rate (KV: one per second), checked against what
 * storage holds so a stamp never moves backwards because of us, bounded in time, retried with
 * backoff, and reported through `onError` if they run out of retries. This isolate sees its own
 * bumps at once; other locations see them within the storage's propagation delay.
 */
export function storageVersions(options: StorageVersionsOptions): VersionStore {
  const { storage, prefix, now, settings } = resolveOptions(options)
  const clock = createStampClock(now)
  // Highest stamp this isolate bumped per scope: read-your-writes here even before storage propagates.
  const local = new Map<string, { stamp: Stamp; atMs: number }>()
  const writers = new Map<string, StampWriter>()
  const writerSettings = { ...settings, observe: (stamp: Stamp) => clock.observe(stamp), mint: () => clock.next() }
  const keyOf = (scope: string) => stampKey(prefix, scope)

  // One parse per stored stamp (a hit reads one per scope): the stamp to read by (raised to this
  // isolate's own bumps), what storage holds (read there, or landed by this isolate's writer: a
  // read served from KV's edge cache may still show the older value), and its source position.
  const decode = (scope: string, raw: string | null): ColocatedStamp => {
    const stored = decodeStampValue(raw, now())
    clock.observe(stored.stamp)
    // An isolate that never bumped (most reading isolates) looks nothing up.
    const landed = writers.size === 0 ? undefined : writers.get(keyOf(scope))?.landed
    return {
      current: local.size === 0 ? stored.stamp : maxStamp(stored.stamp, local.get(scope)?.stamp ?? ZERO_STAMP),
      held: stored.stamp === UNKNOWN_STAMP || landed === undefined ? stored.stamp : maxStamp(stored.stamp, landed),
      position: stored.position,
    }
  }

  const read = async (scopes: readonly string[], context: ReadContext | undefined): Promise<StampReading> => {
    if (scopes.length === 0) return []
    const keys = scopes.map(keyOf)
    const raws = await withTimeout(bulkGet(storage, keys, meteringOf(context)), settings.timeoutMs, storage.name, '.get')
    const decoded = scopes.map((scope, i) => decode(scope, raws.get(keys[i] as string) ?? null))
    return Object.assign(
      decoded.map((each) => each.current),
      { held: decoded.map((each) => each.held), positions: decoded.map((each) => each.position) },
    )
  }

  const writerOf = (key: string) => {
    const writer = writers.get(key) ?? createStampWriter(key, writerSettings)
    writers.set(key, writer)
    return writer
  }

  return {
    name: `storage:${storage.name}`,
    consistency: 'eventual',
    read,
    async bump(scopes, context) {
      const mark = (stamp: Stamp) => ({ stamp, position: context?.position })
      // Reading first moves the clock past stamps minted elsewhere, so this bump outranks them,
      // and lets the first write skip its own check. A failed read only costs that shortcut.
      const storageChecked = await read(scopes, context).then(
        () => true,
        () => false,
      )
      const stamp = clock.next()
      prune(local, writers, now())
      for (const scope of scopes) local.set(scope, { stamp, atMs: now() })
      await Promise.all(scopes.map((scope) => writerOf(keyOf(scope)).offer(mark(stamp), context, { storageChecked })))
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

function resolveOptions(options: StorageVersionsOptions) {
  const where = 'storage-versions'
  assertKnownOptions(where, options, ['storage', 'prefix', 'timeoutMs', 'maxRetries', 'retryBaseMs', 'now'])
  const { storage } = options
  if (!storage || typeof storage.get !== 'function') throw kvCacheError('MISSING_BINDING', where, 'Missing required option `storage`.')
  if (!storage.capabilities.durable) {
    throw kvCacheError(
      'INVALID_OPTION',
      where,
      `Storage \`${storage.name}\` may evict keys, so it cannot hold version stamps. Pass \`versions\` backed by KV, a Durable Object or memory.`,
    )
  }
  assertPositive(where, 'timeoutMs', options.timeoutMs)
  assertPositive(where, 'maxRetries', options.maxRetries, { allowZero: true })
  assertPositive(where, 'retryBaseMs', options.retryBaseMs)
  const prefix = options.prefix ?? 'kvc'
  assertKeyBudget(where, prefix, storage.capabilities.maxKeyBytes)
  const now = options.now ?? Date.now
  const intervalMs = storage.capabilities.minWriteIntervalMs
  const settings = {
    storage,
    timeoutMs: options.timeoutMs ?? 1000,
    intervalMs,
    retryBaseMs: Math.max(options.retryBaseMs ?? 250, intervalMs),
    maxRetries: options.maxRetries ?? 4,
    now,
  }
  return { storage, prefix, now, settings }
}

/** Bounded memory: the overlay only matters until storage has propagated (KV: about 60 s). */
function prune(local: Map<string, { atMs: number }>, writers: Map<string, StampWriter>, nowMs: number): void {
  if (local.size <= OVERLAY_LIMIT && writers.size <= OVERLAY_LIMIT) return
  const cutoff = nowMs - OVERLAY_KEEP_MS
  for (const [scope, seen] of local) if (seen.atMs < cutoff) local.delete(scope)
  for (const [key, writer] of writers) if (!writer.running && writer.lastAttemptMs < cutoff) writers.delete(key)
  // Still over under a flood of distinct scopes: drop the oldest (Map order is insertion order).
  for (const scope of local.keys()) {
    if (local.size <= OVERLAY_LIMIT) break
    local.delete(scope)
  }
}
