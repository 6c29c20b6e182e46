import type { StorageOperation } from './operations'

/** A value or a promise of it: backends may answer synchronously (memory) or not (KV). */
export type MaybePromise<T> = T | Promise<T>

/** What a storage backend can and cannot do. The core picks its strategy from these flags. */
export interface StorageCapabilities {
  /** Smallest physical expiration the backend accepts, in seconds (KV: 60). 0 = any. */
  readonly minTtlSeconds: number
  /** Largest key the backend accepts, in UTF-8 bytes (KV: 512). */
  readonly maxKeyBytes: number
  /** Largest value the backend accepts, in UTF-8 bytes (KV: 25 MiB). */
  readonly maxValueBytes: number
  /** Most keys one `getMany` call may fetch (KV bulk get: 100). 1 when there is no bulk read. */
  readonly maxBatchGet: number
  /**
   * Minimum interval between two writes of the same key, in milliseconds (KV: 1000).
   * The in-storage version store coalesces stamp bumps to respect it. 0 = no limit.
   */
  readonly minWriteIntervalMs: number
  /**
   * True when a key written without a TTL is kept until deleted (KV). False when the backend
   * may evict at any time (Cache API, LRU memory): such a backend cannot hold version stamps,
   * since an evicted stamp would read as zero and resurrect invalidated entries.
   */
  readonly durable: boolean
  /** Where a write is visible: `global` (all locations, maybe eventually), `local` (one data center / process). */
  readonly reach: 'global' | 'local'
  /** True when `delete` removes the key everywhere it can be read from. */
  readonly globalDelete: boolean
  /** True when the backend can enumerate keys. The core never needs it; reported for tooling. */
  readonly listKeys: boolean
}

/** Per-call context the core hands to storage, for backends that leave background work behind. */
export interface StorageContext {
  /** Keeps the request alive until background work (e.g. a two-tier promotion) settles. */
  readonly waitUntil?: (promise: Promise<unknown>) => void
  /** Present only when the request meters storage calls: a composite reports each tier's calls here. */
  readonly onOperation?: (operation: StorageOperation) => void
}

/** Options for one storage write. */
export interface StorageSetOptions {
  /** Physical time to keep the value, in seconds, already clamped by the core. Absent = keep until deleted. */
  readonly ttlSeconds?: number
}

/**
 * A storage backend: a plain object over some key-value store. Values arrive already encoded
 * (strings); backends never see scopes, stamps or ORMs.
 */
export interface Storage {
  /** Short name for events and errors, e.g. `kv`, `cache-api`, `memory`. */
  readonly name: string
  readonly capabilities: StorageCapabilities
  get(key: string, context?: StorageContext): MaybePromise<string | null>
  /** Bulk read; keys never exceed `capabilities.maxBatchGet`. Missing keys map to null. */
  getMany?(keys: readonly string[], context?: StorageContext): MaybePromise<ReadonlyMap<string, string | null>>
  set(key: string, value: string, options?: StorageSetOptions, context?: StorageContext): MaybePromise<void>
  delete(key: string, context?: StorageContext): MaybePromise<void>
  /**
   * True when this storage reports its own calls through `StorageContext.onOperation` (a
   * composite, per tier); the core then does not count its calls to it. @default false
   */
  readonly reportsOperations?: boolean
  /** Releases resources (timers, connections). */
  dispose?(): MaybePromise<void>
  /**
   * The tier that can hold version stamps when this storage is a composite whose fast tier is
   * not durable (two-tier: the L2). Absent = this storage itself.
   */
  readonly durableTier?: Storage
  /**
   * Composites only: `key` from the fastest tier that has it, and `durableKeys` (stamps) from
   * `durableTier`, in as few calls as possible (two-tier: L1, then one L2 bulk read that also
   * brings `key` when L1 missed). Lets a hit through any composition cost one durable-tier call.
   */
  readWithDurable?(key: string, durableKeys: readonly string[], context?: StorageContext): Promise<DurableRead>
}

/** What `readWithDurable` found. */
export interface DurableRead {
  readonly value: string | null
  readonly durable: ReadonlyMap<string, string | null>
  /** Which tier `value` came from, when found. */
  readonly tier?: 'L1' | 'L2'
}

/**
 * A version stamp: fixed-width, lexicographically ordered string. The empty string is the
 * zero stamp (a scope never bumped).
 */
export type Stamp = string

/**
 * Where version stamps live. `read` returns one stamp per scope, in order; `bump` moves every
 * given scope to one new stamp greater than anything it has seen.
 */
export interface VersionStore {
  readonly name: string
  /**
   * How soon a bump made elsewhere is visible to `read`: `strong` (at once, everywhere: a Durable
   * Object), `local` (at once, within this process: memory) or `eventual` (after propagation: KV).
   * With `strong` and `local`, a request that joins another request's lookup re-reads the stamps
   * first, so it never gets a result older than a write that finished before it started.
   * @default 'eventual'
   */
  readonly consistency?: 'strong' | 'local' | 'eventual'
  read(scopes: readonly string[], context?: ReadContext): Promise<StampReading>
  bump(scopes: readonly string[], context?: BumpContext): Promise<Stamp>
  /** Resolves when every write this store started has settled (tests, graceful shutdown). */
  settle?(): Promise<void>
  /**
   * Present when stamps live in the same storage as entries: lets the core fetch an entry and
   * its stamps with one `getMany` call.
   */
  readonly colocated?: ColocatedStamps
}

/**
 * The current stamp of each scope, in order, as `read` found them. A store that raises a stamp to
 * a bump of this isolate that storage does not hold yet (coalesced, in flight or being retried),
 * so this isolate sees its own write, says so in `held`: what storage holds for each scope. The
 * core stores nothing read under a raised stamp: an entry recording a stamp before it has landed
 * would be valid again if an older write of that stamp landed after a newer one elsewhere.
 */
export type StampReading = readonly Stamp[] & {
  readonly held?: readonly Stamp[]
  /** Where the source stood after the write each stamp records (a D1 bookmark), when its bump said; absent when the store keeps none. */
  readonly positions?: readonly (string | undefined)[]
}

/** Per-call context of a read: which request it belongs to. */
export interface ReadContext {
  /**
   * One map per request (per `withContext` view), the same for every read and bump of that
   * request; absent for calls made outside a request view. A store may keep what it learned for
   * this request in it (the Durable Object store keeps the stamps it fetched, so later lookups of
   * the request skip the round trip). Stores prefix their keys; the core never reads it.
   */
  readonly memo?: Map<string, unknown>
  /** Present only when the request meters storage calls: a store reports each call it makes to its backend. */
  readonly onOperation?: (operation: StorageOperation) => void
}

/** Per-call hooks for background work a bump may leave behind (coalesced or retried writes). */
export interface BumpContext extends ReadContext {
  /**
   * Where the source stood after the write (a D1 session bookmark), for stores that record it
   * beside the stamps: a reader that misses then reads a copy at least this recent.
   */
  readonly position?: string
  /** Keeps the request alive until background writes settle (`ctx.waitUntil` in Workers). */
  readonly waitUntil?: (promise: Promise<unknown>) => void
  /** Called when a stamp write is finally given up on, so it is never dropped silently. */
  readonly onError?: (error: unknown) => void
}

/** How to find stamps inside the storage that also holds entries. */
export interface ColocatedStamps {
  readonly storage: Storage
  keyOf(scope: string): string
  /** Decodes a raw stored stamp (null = never bumped), once, into what a `StampReading` says of it. */
  decode(scope: string, raw: string | null): ColocatedStamp
}

/** One scope's stamp as a colocated store decodes it (see `StampReading`). */
export interface ColocatedStamp {
  /** The stamp to read by: merged with isolate-local knowledge (this isolate's own bumps). */
  readonly current: Stamp
  /** What storage holds. */
  readonly held: Stamp
  /** The source position stored with it, if any. */
  readonly position: string | undefined
}

export type { BreakerState, CacheEvent, CacheEventType, MissReason, Operation, ReadLabels, SkipReason } from './events'
