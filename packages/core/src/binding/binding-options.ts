import { kvCacheError } from '../errors'
import type { FieldTracking, ResolvedFieldTracking } from '../field-tracking'
import { resolveFieldTracking, type FieldSchema } from './field-tracking-options'
import { assertKnownOptions } from '../options'
import { assertSeconds } from '../read-options'

/** The options every ORM binding takes, with the same names and rules. */
export interface BindingOptions {
  /** `explicit`: only reads marked for caching are cached. `all`: every read the cache can follow. @default 'explicit' */
  readonly strategy?: 'explicit' | 'all'
  /**
   * Names the database in cache keys and for its catalog. Derived from the driver when it says
   * where it connects (a PostgreSQL host, port and database; a libSQL URL); otherwise `default`,
   * and a second database used under one name fails fast. Give each database its own name when
   * one cache serves several (one D1 database per tenant). @default derived, else 'default'
   */
  readonly database?: string
  /** Freshness of cached reads that set none, in seconds. @default the cache's `defaultTtlSeconds` */
  readonly ttlSeconds?: number
  /** Stale-while-revalidate window of cached reads that set none, in seconds. @default the cache's `defaultSwrSeconds` */
  readonly swrSeconds?: number
  /**
   * When the database fails, how long after freshness (and swr) ended an entry may still answer,
   * in seconds; never an entry a write invalidated. @default the cache's `defaultStaleIfErrorSeconds`
   */
  readonly staleIfErrorSeconds?: number
  /**
   * How far behind its writes the database may answer, in seconds (see `sourceLagSeconds` on
   * `createCache`). Through Hyperdrive (a `*.hyperdrive.local` host) it is 75 unless given here:
   * pass 0 when that Hyperdrive configuration has caching disabled. @default the cache's, or 75 through Hyperdrive
   */
  readonly sourceLagSeconds?: number
  /**
   * Per table, columns whose changes no cached read needs to see: an UPDATE that assigns only
   * those bumps nothing (an `invalidate` event with `quiet` says so). `alwaysInvalidateOn` wins
   * over `neverInvalidateOn` (`'*'`: every column). Inserts, deletes, upserts and statements the
   * planner cannot read exactly always invalidate. Example:
   * `{ posts: { neverInvalidateOn: ['view_count'] }, users: { neverInvalidateOn: '*', alwaysInvalidateOn: ['name'] } }`
   * @default none
   */
  readonly fieldTracking?: FieldTracking
}

/** The shared binding options after validation. */
export interface ResolvedBindingOptions {
  readonly strategy: 'explicit' | 'all'
  readonly database: string | undefined
  readonly ttlSeconds: number | undefined
  readonly swrSeconds: number | undefined
  readonly staleIfErrorSeconds: number | undefined
  readonly sourceLagSeconds: number | undefined
  /** By canonical table, in SQL column names; undefined when none is declared. */
  readonly fieldTracking: ResolvedFieldTracking | undefined
}

/** The names of the shared options, for bindings listing their own. */
export const BINDING_OPTIONS = [
  'strategy',
  'database',
  'ttlSeconds',
  'swrSeconds',
  'staleIfErrorSeconds',
  'sourceLagSeconds',
  'fieldTracking',
] as const satisfies readonly (keyof BindingOptions)[]

/**
 * Validates a binding's options once, at construction: the shared ones here, unknown names
 * failing with the nearest valid one; `known` lists the binding's own (validated by it).
 * `fieldSchema`: the binding's tables and columns, when it knows them (`fieldTracking` names are
 * translated through it and checked against it).
 */
export function resolveBindingOptions(binding: string, options: unknown, known: readonly string[], fieldSchema?: FieldSchema): ResolvedBindingOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw kvCacheError('INVALID_OPTION', binding, `Options must be an object, got ${options === null ? 'null' : typeof options}.`)
  }
  assertKnownOptions(binding, options, [...BINDING_OPTIONS, ...known])
  const { strategy, database, ttlSeconds, swrSeconds, staleIfErrorSeconds, sourceLagSeconds, fieldTracking } = options as BindingOptions
  if (strategy !== undefined && strategy !== 'explicit' && strategy !== 'all') {
    throw kvCacheError('INVALID_OPTION', binding, `Option \`strategy\` must be 'explicit' or 'all', got ${String(strategy)}.`)
  }
  if (database !== undefined && (typeof database !== 'string' || database.trim() === '')) {
    throw kvCacheError('INVALID_OPTION', binding, 'Option `database` must be a non-empty string naming the database.')
  }
  return {
    strategy: strategy ?? 'explicit',
    database,
    ttlSeconds: assertSeconds(binding, 'ttlSeconds', ttlSeconds, false),
    swrSeconds: assertSeconds(binding, 'swrSeconds', swrSeconds, true),
    staleIfErrorSeconds: assertSeconds(binding, 'staleIfErrorSeconds', staleIfErrorSeconds, true),
    sourceLagSeconds: assertSeconds(binding, 'sourceLagSeconds', sourceLagSeconds, true),
    fieldTracking: resolveFieldTracking(binding, fieldTracking, fieldSchema),
  }
}
