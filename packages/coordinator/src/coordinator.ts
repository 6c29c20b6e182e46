import { DurableObject } from 'cloudflare:workers'
import type { Stamp } from '@kvcache/core'
import { isStamp, kvCacheError } from '@kvcache/core/storage'
import { assertScopes, isProposableStamp } from './limits'
import { createLoadMeter, type CoordinatorLoad } from './load-meter'
import { openStampTable, type SqlLike, type StampTable } from './stamp-table'

const where = 'coordinator'

/**
 * The Durable Object that holds version stamps for `durableObjectVersions`. Export it from your
 * Worker's main module and bind it (SQLite storage: `new_sqlite_classes` in the migration).
 *
 * Each object is one shard. Its methods run to completion without awaiting anything, so calls
 * are linearizable: a `read` after a `bump` returned, from anywhere, sees that bump. Stamps live
 * in the object's SQLite database, so they survive eviction and restarts.
 */
export class KvCacheCoordinator extends DurableObject {
  readonly #table: StampTable
  readonly #meter = createLoadMeter()

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never)
    let sql: SqlLike
    try {
      sql = ctx.storage.sql as unknown as SqlLike
      sql.exec('SELECT 1')
    } catch (error) {
      throw kvCacheError(
        'INVALID_OPTION',
        where,
        'KvCacheCoordinator needs SQLite storage: declare its class under `new_sqlite_classes` in a wrangler migration (a class created with `new_classes` cannot be converted; bind a new class name).',
        error,
      )
    }
    this.#table = openStampTable(sql, (work) => ctx.storage.transactionSync(work))
  }

  /** The current stamp of each scope, in order. */
  read(scopes: readonly string[]): Stamp[] {
    this.#check(scopes)
    this.#meter.read(scopes.length)
    return this.#table.read(scopes)
  }

  /**
   * Moves every scope to one new stamp greater than any it held, and returns it. A client may
   * propose the stamp (so the shards of one write agree); it is used when it moves every scope
   * forward and is no further ahead of this object's clock than clocks drift.
   */
  bump(scopes: readonly string[], proposal?: Stamp): Stamp {
    this.#check(scopes)
    if (scopes.length === 0) throw this.#reject('a bump needs at least one scope.')
    if (proposal !== undefined && !isStamp(proposal)) throw this.#reject('the proposed stamp is not a stamp.')
    this.#meter.bump(scopes.length)
    return this.#table.bump(scopes, isProposableStamp(proposal, Date.now()) ? proposal : undefined)
  }

  /** Calls served in the last minute: what `coordinatorLoad` reports for sizing. */
  load(): CoordinatorLoad {
    return this.#meter.snapshot()
  }

  #check(scopes: unknown): asserts scopes is readonly string[] {
    try {
      assertScopes(where, scopes)
    } catch (error) {
      this.#meter.reject()
      throw error
    }
  }

  #reject(message: string) {
    this.#meter.reject()
    return kvCacheError('UNENCODABLE', where, `Rejected call: ${message}`)
  }
}
