import type { FieldTracking } from '@kvcache/core/binding'
import type { Types } from '@prisma/client/runtime/client'
import type { AccelerateInfo } from './info'
import type { KvCacheModels } from './models'
import type { CacheStrategy } from './strategy'

/** Options for `withKvCache`. */
export interface WithKvCacheOptions {
  /** The model graph written by `generator kvcache` (keys, relations, referential actions). Without it: model-level invalidation. */
  readonly models?: KvCacheModels
  /**
   * Names the database in cache keys, so two databases never share entries. Derived from
   * `@prisma/adapter-pg`'s connection settings (and its `schema`); for D1, `default`, and a second
   * D1 database under one name fails fast (`DATABASE_CONFLICT`): name each one.
   * @default derived, else 'default'
   */
  readonly database?: string
  /**
   * How far behind its writes the database may answer, in seconds: reads within it of a write to
   * their tables are served but not cached. Through Hyperdrive (a `*.hyperdrive.local` host) it is
   * 75 (Hyperdrive's default cache lag) unless given: pass 0 when that configuration has caching
   * disabled. @default the cache's `sourceLagSeconds`, or 75 through Hyperdrive
   */
  readonly sourceLagSeconds?: number
  /**
   * Per model, fields whose updates invalidate nothing (view counters...): an `update` /
   * `updateMany` whose `data` sets only such fields, or a raw UPDATE of only their columns, bumps
   * nothing. `alwaysInvalidateOn` wins over `neverInvalidateOn` (`'*'`: every field).
   * @example { Post: { neverInvalidateOn: ['views'] }, User: { neverInvalidateOn: '*', alwaysInvalidateOn: ['name', 'email'] } }
   * @default none
   */
  readonly fieldTracking?: FieldTracking
  /** The older spelling of `fieldTracking`: `{ Post: ['views'] }` is `{ Post: { neverInvalidateOn: ['views'] } }`. */
  readonly ignoreFields?: Readonly<Record<string, readonly string[]>>
  /** Per model, `false` makes its cached reads expire by TTL and tags only. @default true for every model */
  readonly autoInvalidate?: Readonly<Record<string, boolean>>
  /** Reported as `info.region` by `.withAccelerateInfo()` (e.g. `request.cf.colo`). @default 'unspecified' */
  readonly region?: string
}

/** `{ cacheStrategy }` on the read operations that accept it. */
export interface CacheStrategyArgs {
  readonly cacheStrategy?: CacheStrategy
}

/** A Prisma promise whose result can also come with the cache outcome. */
export interface KvCachePromise<T> extends Types.Public.PrismaPromise<T> {
  withAccelerateInfo(): Promise<{ data: T; info: AccelerateInfo | null }>
}

type Args<T, O extends Types.Public.Operation> = Types.Public.Args<T, O> & CacheStrategyArgs
type Exact<A, W> = Types.Public.Exact<A, W>
type Result<T, A, O extends Types.Public.Operation> = Types.Public.Result<T, A, O>

/** The read methods, typed with `cacheStrategy` (the same surface as Accelerate's extension). */
export interface CachedReads {
  findUnique<T, A>(this: T, args: Exact<A, Args<T, 'findUnique'>>): KvCachePromise<Result<T, A, 'findUnique'> | null>
  findUniqueOrThrow<T, A>(this: T, args: Exact<A, Args<T, 'findUniqueOrThrow'>>): KvCachePromise<Result<T, A, 'findUniqueOrThrow'>>
  findFirst<T, A>(this: T, args?: Exact<A, Args<T, 'findFirst'>>): KvCachePromise<Result<T, A, 'findFirst'> | null>
  findFirstOrThrow<T, A>(this: T, args?: Exact<A, Args<T, 'findFirstOrThrow'>>): KvCachePromise<Result<T, A, 'findFirstOrThrow'>>
  findMany<T, A>(this: T, args?: Exact<A, Args<T, 'findMany'>>): KvCachePromise<Result<T, A, 'findMany'>>
  count<T, A>(this: T, args?: Exact<A, Args<T, 'count'>>): KvCachePromise<Result<T, A, 'count'>>
  aggregate<T, A>(this: T, args: Exact<A, Args<T, 'aggregate'>>): KvCachePromise<Result<T, A, 'aggregate'>>
  groupBy<T, A>(this: T, args: Exact<A, Args<T, 'groupBy'>>): KvCachePromise<Result<T, A, 'groupBy'>>
}

/** `{ requestId }`, as Accelerate's invalidation calls return. */
export interface InvalidateResult {
  readonly requestId: string
}

/** A cached raw read: its lifetime and tags, and models it reads that its SQL does not name. */
export interface RawReadOptions extends CacheStrategy {
  /** Models the statement reads besides the tables its SQL names (through a function...): writes to them invalidate it too. */
  readonly models?: readonly string[]
}

/** `Prisma.sql\`...\`` (or anything with the same parts). */
export interface SqlLike {
  readonly strings: readonly string[]
  readonly values: readonly unknown[]
}

/** The client-level methods the extension adds. */
export interface CacheClientMethods {
  $accelerate: {
    /** Invalidates every cached read tagged with one of `tags`. */
    invalidate(input: { readonly tags: readonly string[] }): Promise<InvalidateResult>
    /** Invalidates every cached read of this cache (and tenant). */
    invalidateAll(): Promise<InvalidateResult>
  }
  $cache: {
    /** Invalidates reads tagged with `tags` and reads of `models` (and what their foreign keys and triggers change). An unknown model fails with `UNKNOWN_TABLE`. */
    invalidate(input: { readonly tags?: readonly string[]; readonly models?: readonly string[] }): Promise<InvalidateResult>
    invalidateAll(): Promise<InvalidateResult>
    /** Caches a `$queryRaw` read: it depends on the tables its SQL reads (and any `models` it declares). */
    queryRaw<T = unknown>(sql: SqlLike, options: RawReadOptions): Promise<T>
    /** Reads the database catalog (triggers, keys) again on the next write: call it after a migration made elsewhere. */
    refreshCatalog(): void
  }
}

/** What `withKvCache` returns: pass it to `$extends`. */
export type KvCacheExtension = (client: any) => {
  $extends: { extArgs: Types.Extensions.InternalArgs<{}, { $allModels: CachedReads }, {}, CacheClientMethods> }
}
