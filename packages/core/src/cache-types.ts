import type { LoadContext } from './source-position'
import type { BreakerOptions } from './breaker'
import type { AdmissionOptions, BudgetOptions } from './budget'
import type { CodecExtension } from './codec'
import type { CacheEventHandler } from './operations'
import type { ScopeTarget } from './scopes'
import type { QueryStatus } from './query-status'
import type { ReadAbout } from './read-labels'
import type { CacheEvent, Storage, VersionStore } from './types'

/*
 * The public shape of the cache: what applications and bindings call. Terms (see the README's
 * glossary): a scope is something a result depends on; its stamp is its version; a view is the
 * cache as seen by one request; a fill stores a loaded result; a bypass answers without the cache.
 */

/** Options for `createCache`. */
export interface CacheOptions {
  /** Where entries live (`kvStorage(env.KV)`, `twoTierStorage(...)`, `memoryStorage()`). */
  readonly storage: Storage
  /** Where version stamps live. @default stamps kept in `storage` (its durable tier) */
  readonly versions?: VersionStore
  /** Prefix of every key this cache writes; letters, digits, `.`, `_`, `-`. @default 'kvc' */
  readonly prefix?: string
  /** Freshness of an entry when a call gives none, in seconds. @default 60 */
  readonly defaultTtlSeconds?: number
  /** Stale-while-revalidate window after freshness, in seconds. @default 0 */
  readonly defaultSwrSeconds?: number
  /**
   * Stale-if-error window after freshness and swr, in seconds: when the database fails, an entry
   * that only aged out (never one a write invalidated) within it answers instead (a
   * `stale-if-error` event). Keeps entries' bytes that much longer. @default 0
   */
  readonly defaultStaleIfErrorSeconds?: number
  /** Keeps background work (fills, revalidation, stamp retries) alive: `ctx.waitUntil` in Workers. Without it, fills are awaited. */
  readonly waitUntil?: (promise: Promise<unknown>) => void
  /** Namespaces keys and scopes; 1-128 bytes, no `:`, `/`, whitespace. @default none */
  readonly tenant?: string
  /** Receives every cache event (`operation` events only if it sets `operations: true`). Errors it throws are swallowed. */
  readonly onEvent?: CacheEventHandler
  /** Budget for one storage or version-store call, in milliseconds; past it the database answers. @default 1000 */
  readonly timeoutMs?: number
  /** Circuit breaker around storage, or `false` to disable it. @default { failureThreshold: 5, openSeconds: 30 } */
  readonly breaker?: BreakerOptions | false
  /** Entries larger than this many bytes are not stored. @default the storage's `maxValueBytes` */
  readonly maxValueBytes?: number
  /** Extra types the result codec should round-trip (e.g. Prisma Decimal). */
  readonly codecExtensions?: readonly CodecExtension[]
  /**
   * How long stamps read by this isolate may be reused without asking the version store again,
   * in seconds. Adds up to this much staleness after a write made elsewhere. @default 0
   */
  readonly stampTrustSeconds?: number
  /**
   * How far behind the writes the database may answer reads, in seconds: Hyperdrive's query cache
   * (60 s + 15 s stale by default), a read replica. A read whose scopes were bumped within this
   * many seconds before its query started is served but not stored (a `skip` event, reason
   * `source-lag`): the source may have answered from before the write. @default 0
   */
  readonly sourceLagSeconds?: number
  /**
   * Signs `bookmark()` output (HMAC-SHA-256) so clients cannot forge or edit bookmarks; unsigned or
   * tampered ones are ignored and reported. At least 16 bytes. @default unsigned bookmarks
   */
  readonly bookmarkSecret?: string | Uint8Array
  /** Clock in epoch milliseconds, for tests. @default Date.now */
  readonly now?: () => number
  /**
   * Caps on what filling spends, per isolate: writes per minute and per UTC day, and the month's
   * estimated KV bill in USD. Past 90 % of a cap only entries stored before are stored again; at
   * 100 % nothing is stored. Hits are served and writes invalidate either way. @default none
   */
  readonly budget?: BudgetOptions
  /** Store a query's result only once it has missed `minMisses` times within `windowSeconds` in this isolate. @default every miss is stored */
  readonly admission?: AdmissionOptions
}

/** What a binding hands the core for one read. */
export interface QueryRequest {
  /** Everything that identifies the result: dialect, database, SQL, parameters. Hashed with SHA-256. */
  readonly material: unknown
  /** Scopes the result depends on (`tableScope`, `rowScope`, `tagScope`). Empty = only TTL expires it. */
  readonly scopes: readonly string[]
  /** Freshness in seconds. @default the cache's `defaultTtlSeconds` */
  readonly ttlSeconds?: number
  /** Stale-while-revalidate window in seconds. @default the cache's `defaultSwrSeconds` */
  readonly swrSeconds?: number
  /** Stale-if-error window in seconds (see `CacheOptions.defaultStaleIfErrorSeconds`). @default the cache's */
  readonly staleIfErrorSeconds?: number
  /**
   * Lifetime known only after the loader returns (Drizzle hands `$withCache({ config })` over
   * after the read). The fill then waits for it in the background, up to `timeoutMs`, and falls
   * back to `ttlSeconds` / the default.
   */
  readonly lateOptions?: Promise<{ readonly ttlSeconds?: number | undefined; readonly swrSeconds?: number | undefined } | undefined>
  /** How far behind its writes the loader's source may answer, in seconds (see `CacheOptions.sourceLagSeconds`). @default the cache's */
  readonly sourceLagSeconds?: number
  /** Who reads what: this read's events then carry `binding`, `tables` (from `scopes`) and a `digest` of the statement. */
  readonly about?: ReadAbout
  /** Told once, when the read settled (or failed), what the cache did for it. */
  readonly onStatus?: (status: QueryStatus) => void
}

/** How a write's invalidation is recorded. */
export interface InvalidateOptions {
  /**
   * Where the database stood right after the write (a D1 session's `getBookmark()`): recorded with
   * the stamps, so a reader that misses reads a replica at least this recent. Without it, readers
   * on a D1 session read the primary until the scope's next bump that has one.
   */
  readonly sourcePosition?: string
}

/** Options for one cache-aside entry: its lifetime and what invalidates it. */
export interface EntryOptions extends ScopeTarget {
  readonly ttlSeconds?: number
  readonly swrSeconds?: number
  /** Stale-if-error window in seconds (see `CacheOptions.defaultStaleIfErrorSeconds`). @default the cache's */
  readonly staleIfErrorSeconds?: number
  /** How far behind its writes the loader's source may answer, in seconds (see `CacheOptions.sourceLagSeconds`). @default the cache's */
  readonly sourceLagSeconds?: number
}

/** Per-request context: a tenant, the request's `waitUntil`, and the client's session bookmark. */
export interface CacheContext {
  readonly tenant?: string
  readonly waitUntil?: (promise: Promise<unknown>) => void
  /**
   * The bookmark a client got from `cache.bookmark()` on an earlier request (e.g. from a cookie).
   * Entries older than it are bypassed: read-your-writes and monotonic reads even on eventually
   * consistent KV. An invalid bookmark is ignored and reported as an `error` event.
   */
  readonly bookmark?: string
  /** Also receives the events of this view's own calls (per-request tracing, `Server-Timing`, `createMetrics()`). */
  readonly onEvent?: CacheEventHandler
}

/** The cache that bindings and applications call. */
export interface Cache {
  readonly tenant: string | undefined
  /** Serves a read from cache or runs `loader` (the database) and stores its result. Never fails because of the cache. */
  /**
   * `loader` is told how recent a copy of the database its answer must come from for the result to
   * be correct after the writes recorded so far (`freshness`): a binding on a D1 session runs the
   * query in a session that starts there. A loader reading the primary can ignore it.
   */
  query<T>(request: QueryRequest, loader: (context: LoadContext) => T | Promise<T>): Promise<T>
  /** Cache-aside for any data: the value under `key`, or `loader`'s result, stored with `options`. */
  wrap<T>(key: string, loader: (context: LoadContext) => T | Promise<T>, options?: EntryOptions): Promise<T>
  /** The value stored under `key`, or undefined if absent, expired or invalidated. Pass the entry's tags to save a round trip. */
  get<T = unknown>(key: string, options?: ScopeTarget): Promise<T | undefined>
  /** Stores `value` under `key`. Reports failures through events instead of throwing. */
  set(key: string, value: unknown, options?: EntryOptions): Promise<void>
  /** Removes `key` from storage (where the storage can; prefer `invalidate` for global effect). */
  delete(key: string): Promise<void>
  /** Bumps the version stamps of every scope in `target`: all entries depending on them become misses. */
  invalidate(target: ScopeTarget, options?: InvalidateOptions): Promise<void>
  /** A view of this cache for one request or tenant; shares storage, breaker and de-duplication. */
  withContext(context: CacheContext): Cache
  /** Resolves when background work started by this cache (fills, stamp writes) has settled. */
  flush(): Promise<void>
  /**
   * The highest stamp this view wrote or served, as an opaque string to hand back to the client
   * (cookie, header) and pass as `withContext({ bookmark })` on its next request.
   */
  bookmark(): string
  /** Delivers an event to this cache's `onEvent` (and the view's): how bindings report bypasses and fallbacks. */
  report(event: CacheEvent): void
}
