import type { BindingRuntime, TransactionBuffer } from '@kvcache/core/binding'
import { runOn, type KyselyBinding } from './binding'
import type { RunQuery } from '@kvcache/core/sql'
import { forwardOthers } from './forward'
import type { CompiledQueryLike, DatabaseConnectionLike } from './kysely-types'
import { runStatement, streamStatement } from './statement'

/** A connection this binding handed to Kysely: the driver's own connection stays reachable. */
export interface CachedConnection extends DatabaseConnectionLike {
  readonly original: DatabaseConnectionLike
  readonly binding: KyselyBinding
  /** The binding's runtime. */
  readonly runtime: BindingRuntime
  /** Runs catalog queries on this connection. */
  readonly run: RunQuery
  /** This connection's transaction: reads inside bypass the cache, invalidations wait for COMMIT. */
  readonly transaction: TransactionBuffer
}

const OWN = new Set(['executeQuery', 'streamQuery'])
const WRAPPED = Symbol.for('@kvcache/kysely.connection')

/** The binding's wrapper of a connection Kysely hands back, or undefined for a connection it does not know. */
export function cachedOf(connection: DatabaseConnectionLike): CachedConnection | undefined {
  const cached = (connection as unknown as Record<symbol, CachedConnection | undefined>)[WRAPPED]
  return cached === connection ? cached : undefined
}

/**
 * Wraps a driver connection: `executeQuery` goes through the cache policy, `streamQuery` passes
 * through (a streamed write still invalidates when the stream ends), and any other method
 * (Kysely 0.29's `cancelQuery`, `killSession`...) is forwarded to the original untouched.
 */
export function wrapConnection(original: DatabaseConnectionLike, binding: KyselyBinding): CachedConnection {
  const { runtime } = binding
  const wrapped: CachedConnection = {
    original,
    binding,
    runtime,
    run: runOn(original),
    transaction: runtime.transaction(),
    executeQuery: ((compiled: CompiledQueryLike, ...rest: unknown[]) =>
      runStatement(wrapped, compiled, () => original.executeQuery(compiled, ...rest))) as DatabaseConnectionLike['executeQuery'],
    streamQuery: ((compiled: CompiledQueryLike, ...rest: unknown[]) =>
      streamStatement(wrapped, compiled, () => original.streamQuery(compiled, ...rest))) as DatabaseConnectionLike['streamQuery'],
  }
  Object.defineProperty(wrapped, WRAPPED, { value: wrapped })
  forwardOthers(original, wrapped, OWN)
  return wrapped
}
