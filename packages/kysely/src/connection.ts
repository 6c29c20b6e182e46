import { runStatement, safePlan, type BindingConfig } from './binding'
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
      runStatement(config, compiled, session, () => original.executeQuery(compiled, ...rest))) as DatabaseConnectionLike['executeQuery'],
    streamQuery: ((compiled: CompiledQueryLike, ...rest: unknown[]) =>
      streamThrough(config, session, compiled, () => original.streamQuery(compiled, ...rest))) as DatabaseConnectionLike['streamQuery'],
  }
  forwardOthers(original, wrapped, OWN)
  return wrapped
}

async function* streamThrough(
  config: BindingConfig,
  session: Session,
  compiled: CompiledQueryLike,
  open: () => AsyncIterableIterator<QueryResultLike>,
): AsyncIterableIterator<QueryResultLike> {
  const plan = safePlan(config, compiled)
  try {
    yield* open()
  } finally {
    if (plan.type === 'write') await session.publish(plan.target)
  }
}
