import type { TransactionStep } from '@kvcache/core/binding'
import type { KyselyBinding } from './binding'
import { cachedOf, wrapConnection, type CachedConnection } from './connection'
import { forwardOthers } from './forward'
import type { DatabaseConnectionLike, DriverLike } from './kysely-types'

type Savepoints = 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint'

const SAVEPOINT_STEPS: Record<Savepoints, 'savepoint' | 'rollback-to' | 'release'> = {
  savepoint: 'savepoint',
  rollbackToSavepoint: 'rollback-to',
  releaseSavepoint: 'release',
}

/**
 * Runs a driver's transaction method on the ORIGINAL connection (drivers call private members
 * on it: node-postgres `release`, kysely-d1's transaction stubs) as one step of that
 * connection's transaction buffer: applied once the method succeeded, and a COMMIT that failed
 * still publishes (it may have committed). kysely-d1 refuses transactions ("Transactions are not
 * supported yet."): that error passes through.
 */
function step(
  connection: DatabaseConnectionLike,
  transactionStep: TransactionStep,
  method: (original: DatabaseConnectionLike) => Promise<void>,
): Promise<void> {
  const cached = cachedOf(connection)
  return cached ? cached.transaction.run(transactionStep, () => method(cached.original)) : method(connection)
}

/**
 * Wraps a Kysely driver. Connections are wrapped once each (Kysely patches a connection once for
 * logging and keys it by identity), and every driver method gets the original connection back.
 */
export function wrapDriver(driver: DriverLike, binding: KyselyBinding): DriverLike {
  const wrappers = new WeakMap<DatabaseConnectionLike, CachedConnection>()
  const originalOf = (connection: DatabaseConnectionLike) => cachedOf(connection)?.original ?? connection

  const wrapped: DriverLike = {
    init: (...rest) => driver.init(...rest),
    async acquireConnection(...rest) {
      const connection = await driver.acquireConnection(...rest)
      let cached = wrappers.get(connection)
      if (!cached) wrappers.set(connection, (cached = wrapConnection(connection, binding)))
      return cached
    },
    releaseConnection: (connection, ...rest) => driver.releaseConnection(originalOf(connection), ...rest),
    async beginTransaction(connection, settings) {
      // Learn the catalog now, while the connection is free: inside the transaction it is not read.
      const cached = cachedOf(connection)
      await cached?.runtime.catalog.current({ wait: true, run: cached.run })
      return step(connection, { kind: 'begin' }, (original) => driver.beginTransaction(original, settings))
    },
    commitTransaction: (connection) => step(connection, { kind: 'commit' }, (original) => driver.commitTransaction(original)),
    rollbackTransaction: (connection) => step(connection, { kind: 'rollback' }, (original) => driver.rollbackTransaction(original)),
    destroy: (...rest) => driver.destroy(...rest),
  }
  // Kysely checks whether a driver has savepoint methods: mirror exactly what the original has.
  for (const method of Object.keys(SAVEPOINT_STEPS) as Savepoints[]) {
    const original = driver[method]
    if (typeof original !== 'function') continue
    wrapped[method] = (connection, name, compileQuery) =>
      step(connection, { kind: SAVEPOINT_STEPS[method], name }, (own) => original.call(driver, own, name, compileQuery))
  }
  // Savepoint methods the original lacks stay absent; anything else it has is forwarded.
  forwardOthers(driver, wrapped, new Set(Object.keys(SAVEPOINT_STEPS)))
  return wrapped
}
