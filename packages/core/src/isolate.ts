import { createBookmarks, type Bookmarks } from './bookmark'
import { BoundedMap } from './bounded-map'
import { createBreaker, noopBreaker, type Breaker } from './breaker'
import { createBudget, type Budget } from './budget'
import { createStampClock, type StampClock } from './clock'
import type { CacheEventHandler } from './operations'
import type { Settings } from './settings'
import { storageVersions } from './storage-versions'
import { trustedVersions } from './trusted-versions'
import type { CacheEvent, ColocatedStamps, Stamp, Storage, VersionStore } from './types'

/** What one lookup produced: the value, and its stored form so joined callers get their own copy. */
export interface Outcome<T> {
  readonly value: T
  readonly encoded: { readonly json: string; readonly tagged: boolean } | undefined
  /** The stamps the result is current as of (read before the loader ran); undefined when storage failed. */
  readonly stamps: readonly Stamp[] | undefined
  /** Where the result sits among bookmarks: a caller that gets it has seen the database as of this stamp. */
  readonly readStamp: Stamp
}

/** A lookup in flight, which identical lookups of this isolate join. */
export interface Flight {
  readonly promise: Promise<Outcome<unknown>>
  /** Scopes it depends on: an invalidation of one of them detaches it from later readers. */
  readonly scopes: readonly string[]
}

/**
 * Everything one `createCache` shares across its views (requests, tenants) in an isolate. Passed
 * explicitly to every step of the read and write paths; nothing else is captured.
 */
export interface Isolate {
  readonly settings: Settings
  readonly storage: Storage
  readonly versions: VersionStore
  /** Set when stamps sit beside entries in one storage: an entry and its stamps come in one bulk read. */
  readonly colocated: ColocatedStamps | undefined
  readonly breaker: Breaker
  /** Mints read stamps; observes every stamp read from storage so it orders after them. */
  readonly clock: StampClock
  readonly bookmarks: Bookmarks
  readonly inflight: Map<string, Flight>
  /** Keys being revalidated in the background (stale-while-revalidate), at most one each. */
  readonly revalidating: Set<string>
  /** Newest stamp this isolate bumped per scope: fills that raced a local write are dropped. */
  readonly recentBumps: BoundedMap<string, Stamp>
  /** Clamped lifetimes already reported, so a `clamp` event comes once per lifetime. */
  readonly clampsReported: BoundedMap<number, true>
  /** Last fill per key: a backend with a per-key write limit (KV: 1/s) would reject a second one. */
  readonly lastFillMs: BoundedMap<string, number>
  /** Sizes of large values written or read here, so their reads get a budget that fits. */
  readonly largeKeys: BoundedMap<string, number>
  /** When this isolate last repaired an unparseable stamp, per scope. */
  readonly repairedAt: BoundedMap<string, number>
  /** Background work (fills, revalidations, repairs) not handed to a `waitUntil`, for `flush()`. */
  readonly background: Set<Promise<unknown>>
  /** Which database each binding's `database` name stands for in this isolate (see `claimDatabase`). */
  readonly databases: BoundedMap<string, DatabaseClaim>
  /** Configuration problems already written to the console (once per isolate each). */
  readonly warned: BoundedMap<string, true>
  /** What filling may still spend (`budget`) and which queries earned a fill (`admission`); undefined when neither is set. */
  readonly budget: Budget | undefined
}

/** The database a name was first used for: a string identity, or a driver object (held weakly). */
export type DatabaseClaim = { readonly text: string } | { readonly object: WeakRef<object> }

const MEMO_LIMIT = 10_000

/** Builds the per-isolate state from validated settings. */
export function createIsolate(settings: Settings, versionStore: VersionStore | undefined): Isolate {
  const { storage, now } = settings
  const base = versionStore ?? storageVersions({ storage: storage.durableTier ?? storage, prefix: settings.prefix, now, timeoutMs: settings.timeoutMs })
  const versions = settings.stampTrustSeconds > 0 ? trustedVersions(base, settings.stampTrustSeconds, now) : base
  const onBreaker = (state: CacheEvent & { type: 'breaker' }) => deliver(settings.onEvent, state)
  return {
    settings,
    storage,
    versions,
    colocated: colocatedStamps(storage, versions),
    breaker:
      settings.breaker === false ? noopBreaker : createBreaker(settings.breaker, now, (state) => onBreaker({ type: 'breaker', state, storage: storage.name })),
    clock: createStampClock(now),
    bookmarks: createBookmarks(settings.bookmarkSecret, now),
    inflight: new Map(),
    revalidating: new Set(),
    recentBumps: new BoundedMap(MEMO_LIMIT),
    clampsReported: new BoundedMap(MEMO_LIMIT),
    lastFillMs: new BoundedMap(MEMO_LIMIT),
    largeKeys: new BoundedMap(MEMO_LIMIT),
    repairedAt: new BoundedMap(MEMO_LIMIT),
    background: new Set(),
    databases: new BoundedMap(10_000),
    warned: new BoundedMap(1000),
    budget: createBudget(settings.budget, settings.admission, now),
  }
}

/**
 * The stamps a lookup can fetch together with its entry: when the version store keeps them in the
 * entry storage itself (one bulk read) or in its durable tier (a composite reads both in one
 * durable-tier call). Otherwise entry and stamps are two reads in parallel.
 */
function colocatedStamps(storage: Storage, versions: VersionStore): ColocatedStamps | undefined {
  const colocated = versions.colocated
  if (!colocated) return undefined
  if (colocated.storage === storage) return storage.getMany ? colocated : undefined
  return colocated.storage === storage.durableTier && storage.readWithDurable ? colocated : undefined
}

/** Calls an event handler; a handler that throws must never break a read. */
export function deliver(handler: CacheEventHandler | undefined, event: CacheEvent): void {
  if (!handler) return
  // Storage calls go only to handlers that asked for them (see `CacheEventHandler`).
  if (event.type === 'operation' && handler.operations !== true) return
  try {
    handler(event)
  } catch {
    // Swallowed on purpose: events are observability, not control flow.
  }
}
