import type { BindingConfig } from './binding'
import { wrapConnection, type CachedConnection } from './connection'
import { forwardOthers } from './forward'
import type { DatabaseConnectionLike, DriverLike } from './kysely-types'

type Savepoints = 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint'

/**
 * Wraps a Kysely driver. Connections are wrapped once each (Kysely patches a connection once for
 * logging and keys it by identity), and every driver method gets the ORIGINAL connection back:
 * drivers call private members on it (node-postgres `release`, kysely-d1's transaction stubs).
 */
export function wrapDriver(driver: DriverLike, config: BindingConfig): DriverLike {
  const wrappers = new WeakMap<DatabaseConnectionLike, CachedConnection>()
  const cachedOf = (connection: DatabaseConnectionLike): CachedConnection | undefined =>
    (connection as Partial<CachedConnection>).original ? (connection as CachedConnection) : undefined
  const originalOf = (connection: DatabaseConnectionLike) => cachedOf(connection)?.original ?? connection

  const wrapped: DriverLike = {
    init: (...rest) => driver.init(...rest),
    async acquireConnection(...rest) {
      const connection = await driver.acquireConnection(...rest)
      let cached = wrappers.get(connection)
      if (!cached) wrappers.set(connection, (cached = wrapConnection(connection, config)))
      return cached
    },
    releaseConnection: (connection, ...rest) => driver.releaseConnection(originalOf(connection), ...rest),
    // kysely-d1 refuses transactions ("Transactions are not supported yet."): that error passes through.
    async beginTransaction(connection, settings) {
      // Learn the catalog now, while the connection is free: inside the transaction it is not read.
      await config.catalog.current({ wait: true, connection: originalOf(connection) })
      await driver.beginTransaction(originalOf(connection), settings)
      cachedOf(connection)?.session.begin()
    },
    async commitTransaction(connection) {
      const session = cachedOf(connection)?.session
      try {
        await driver.commitTransaction(originalOf(connection))
      } finally {
        // Published even when COMMIT fails: it may have committed (over-invalidating is safe).
        await session?.commit()
      }
    },
    async rollbackTransaction(connection) {
      try {
        await driver.rollbackTransaction(originalOf(connection))
      } finally {
        cachedOf(connection)?.session.rollback()
      }
    },
    destroy: (...rest) => driver.destroy(...rest),
  }
  // Kysely checks whether a driver has savepoint methods: mirror exactly what the original has.
  const savepoints: Record<Savepoints, (session: CachedConnection['session'], name: string) => void> = {
    savepoint: (session, name) => session.savepoint(name),
    rollbackToSavepoint: (session, name) => session.rollbackTo(name),
    releaseSavepoint: (session, name) => session.release(name),
  }
  for (const method of Object.keys(savepoints) as Savepoints[]) {
    const original = driver[method]
    if (typeof original !== 'function') continue
    wrapped[method] = async (connection, name, compileQuery) => {
      await original.call(driver, originalOf(connection), name, compileQuery)
      const session = cachedOf(connection)?.session
      if (session) savepoints[method](session, name)
    }
  }
  // Savepoint methods the original lacks stay absent; anything else it has is forwarded.
  forwardOthers(driver, wrapped, new Set(Object.keys(savepoints)))
  return wrapped
}
