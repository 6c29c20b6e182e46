import { runStatement, safePlan, type BindingConfig, type Call } from './binding'
import type { CompiledQueryLike, DatabaseConnectionLike, QueryResultLike } from './kysely-types'
import { forwardOthers } from './forward'
import { createSession, type Session } from './session'

/** A connection this binding handed to Kysely: the driver's own connection stays reachable. */
export interface CachedConnection extends DatabaseConnectionLike {
  readonly original: DatabaseConnectionLike
  readonly session: Session
}

const OWN = new Set(['executeQuery', 'streamQuery'])

/**
 * Wraps a driver connection: `executeQuery` goes through the cache policy, `streamQuery` passes
 * through (a streamed write still invalidates when the stream ends), and any other method
 * (Kysely 0.29's `cancelQuery`, `killSession`...) is forwarded to the original untouched.
 */
export function wrapConnection(original: DatabaseConnectionLike, config: BindingConfig): CachedConnection {
  const session = createSession(config.cache)
  const wrapped: CachedConnection = {
    original,
    session,
    executeQuery: ((compiled: CompiledQueryLike, ...rest: unknown[]) =>
      runStatement(config, { compiled, session, connection: original }, () => original.executeQuery(compiled, ...rest))) as DatabaseConnectionLike['executeQuery'],
    streamQuery: ((compiled: CompiledQueryLike, ...rest: unknown[]) =>
      streamThrough(config, { compiled, session, connection: original }, () => original.streamQuery(compiled, ...rest))) as DatabaseConnectionLike['streamQuery'],
  }
  forwardOthers(original, wrapped, OWN)
  return wrapped
}

async function* streamThrough(
  config: BindingConfig,
  { compiled, session, connection: original }: Call,
  open: () => AsyncIterableIterator<QueryResultLike>,
): AsyncIterableIterator<QueryResultLike> {
  const catalog = await config.catalog.current({ wait: false, connection: original })
  const plan = safePlan(config, compiled, catalog)
  try {
    yield* open()
  } finally {
    if (plan.type === 'write') await session.publish({ scopes: plan.scopes })
  }
}
