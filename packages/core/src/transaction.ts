import type { Cache } from './cache-types'

/**
 * One step of transaction control, as any binding observes it: SQL text read by the core's SQL
 * reader (Drizzle, Kysely's raw statements), a driver method (Kysely's `beginTransaction`,
 * `savepoint`), or an engine call (Prisma's interactive transactions, nested ones as savepoints).
 * A savepoint without a name is anonymous: `rollback-to` and `release` without a name mean the
 * innermost one.
 */
export type TransactionStep =
  | { readonly kind: 'begin' }
  | { readonly kind: 'commit' }
  | { readonly kind: 'rollback' }
  | { readonly kind: 'savepoint'; readonly name?: string }
  | { readonly kind: 'rollback-to'; readonly name?: string }
  | { readonly kind: 'release'; readonly name?: string }

/**
 * The invalidations of one connection's transaction, held until it ends. Reads inside it must
 * bypass the cache (they may see uncommitted rows); writes are buffered:
 *
 *   begin              -> buffering
 *   write              -> buffered (published at once outside a transaction)
 *   savepoint s        -> mark; `rollback to s` drops what came after the mark and keeps s;
 *                         `release s` removes s and every mark after it, keeping the writes
 *   commit             -> publish everything, in one bump. Also when COMMIT fails: it may have
 *                         committed before the connection dropped, and over-invalidating is safe
 *   rollback           -> drop everything (also when ROLLBACK fails: nothing was committed)
 *
 * SQLite starts a transaction with a SAVEPOINT outside one, and RELEASE of that outermost
 * savepoint commits it: both are followed.
 */
export interface TransactionBuffer {
  readonly inTransaction: boolean
  /** Applies one step: `commit` publishes (and must be applied even when the COMMIT failed). */
  apply(step: TransactionStep): Promise<void>
  /** A write's scopes: buffered inside a transaction, published at once outside one. */
  publish(scopes: readonly string[]): Promise<void>
  /**
   * Runs a transaction-control statement: `step` is applied after it, and a COMMIT that fails is
   * still published (it may have committed). The statement's result and error pass through.
   */
  run<T>(step: TransactionStep, exec: () => Promise<T>): Promise<T>
}

interface Mark {
  readonly name: string | undefined
  /** Buffered writes before the mark. */
  readonly at: number
  /** True for a SQLite SAVEPOINT that started the transaction: its RELEASE commits. */
  readonly outermost: boolean
}

/** Names compare like the reader spells them (folded when unquoted): exact here. Anonymous marks match any request without a name. */
function lastMark(marks: readonly Mark[], name: string | undefined): number {
  for (let index = marks.length - 1; index >= 0; index--) {
    if (name === undefined || marks[index]?.name === name) return index
  }
  return -1
}

/**
 * A transaction buffer for one connection (or one interactive transaction) publishing to `cache`.
 *
 * @example
 * const tx = transactionBuffer(cache)
 * await tx.run({ kind: 'begin' }, () => client.query('BEGIN'))
 * await tx.publish(plan.scopes) // buffered
 * await tx.run({ kind: 'commit' }, () => client.query('COMMIT')) // published now
 */
export function transactionBuffer(cache: Pick<Cache, 'invalidate'>): TransactionBuffer {
  let inTransaction = false
  let buffered: (readonly string[])[] = []
  let marks: Mark[] = []
  const reset = (open: boolean) => {
    inTransaction = open
    buffered = []
    marks = []
  }
  const publishAll = async () => {
    const scopes = [...new Set(buffered.flat())]
    reset(false)
    if (scopes.length > 0) await cache.invalidate({ scopes })
  }
  const buffer: TransactionBuffer = {
    get inTransaction() {
      return inTransaction
    },
    async apply(step) {
      switch (step.kind) {
        case 'begin':
          return reset(true)
        case 'commit':
          return publishAll()
        case 'rollback':
          return reset(false)
        case 'savepoint':
          marks.push({ name: step.name, at: buffered.length, outermost: !inTransaction })
          inTransaction = true
          return
        case 'rollback-to': {
          const index = lastMark(marks, step.name)
          if (index < 0) return
          // The savepoint itself stays after ROLLBACK TO; marks after it are gone.
          buffered = buffered.slice(0, (marks[index] as Mark).at)
          marks = marks.slice(0, index + 1)
          return
        }
        case 'release': {
          const index = lastMark(marks, step.name)
          if (index < 0) return
          if ((marks[index] as Mark).outermost) return publishAll()
          marks = marks.slice(0, index)
          return
        }
      }
    },
    async publish(scopes) {
      if (scopes.length === 0) return
      if (inTransaction) buffered.push(scopes)
      else await cache.invalidate({ scopes })
    },
    async run(step, exec) {
      let result: Awaited<ReturnType<typeof exec>>
      try {
        result = await exec()
      } catch (error) {
        // A failed COMMIT may have committed: publish. A failed ROLLBACK leaves nothing committed.
        if (step.kind === 'commit' || step.kind === 'rollback') await buffer.apply(step)
        throw error
      }
      await buffer.apply(step)
      return result
    },
  }
  return buffer
}
