import { bookmarkOf, tellUncached, transactionStepOf } from '@kvcache/core/binding'
import type { Plan } from '@kvcache/core/sql'
import type { CachedConnection } from './connection'
import { controlOf, type QueryControl } from './control'
import { trackD1 } from './d1-sessions'
import { plannableQuery } from './describe-query'
import type { CompiledQueryLike, QueryResultLike } from './kysely-types'
import { statusOf } from './status'

type Exec = () => Promise<QueryResultLike>

// Stable words (the console shows a problem once per isolate); the statement and its reason go in the `skip` event.
const CACHED_BUT_NOT_CACHEABLE =
  'cached() was applied to a read that is never cached: it locks rows, is an EXPLAIN, reads no table, or calls a function such as now() or random().'
const CACHED_FIX =
  'Remove cached() from that read, or move the volatile expression out of it (each such read is reported as a `skip` event with its reason and SQL).'

/**
 * What the core planner says about a statement, on this connection (the core's rule when it
 * cannot read it). The tree is walked once per SQL text and catalog; unknown node kinds are
 * reported then.
 */
function planOf({ binding, runtime, transaction, run }: CachedConnection, compiled: CompiledQueryLike): Promise<Plan> {
  const input = plannableQuery(compiled, binding.dialect, (kinds) => {
    const detail = `operation node kinds this version of @kvcache/kysely does not know (${kinds.join(', ')}): planned from the SQL text`
    runtime.cache.report({ type: 'degraded', source: runtime.binding, detail })
  })
  // Inside a transaction the connection is busy (a failing catalog query would abort it): plan with what is known.
  return runtime.plan(input, { wait: !transaction.inTransaction, run })
}

/** Runs one statement through the cache policy. Never fails because of the cache. */
export async function runStatement(connection: CachedConnection, compiled: CompiledQueryLike, exec: Exec): Promise<QueryResultLike> {
  const { runtime, transaction } = connection
  const plan = await planOf(connection, compiled)
  const control = controlOf(compiled.query)
  const onStatus = statusOf(compiled.query)
  if (plan.type !== 'read' && plan.type !== 'bypass') tellUncached(onStatus, `not a read (${plan.type})`)
  switch (plan.type) {
    case 'transaction':
      // The result passes through untouched: Kysely reads COMMIT's ROLLBACK tag to raise AbortedTransactionError.
      return transaction.run(transactionStepOf(plan), exec)
    case 'write': {
      // A write through a `d1Sessions` session: its bookmark afterwards goes with the stamps it bumps.
      const { result, call } = trackD1(undefined, exec)
      try {
        return await result
      } finally {
        // Also after a failed write: a statement that timed out may still have committed.
        await runtime.afterWrite(plan, transaction, bookmarkOf(call.session))
      }
    }
    case 'bypass':
      // Asked for by name and refused: a setup mistake, not a runtime miss.
      if (control?.mode === 'cache') runtime.misconfigured(CACHED_BUT_NOT_CACHEABLE, CACHED_FIX)
      runtime.bypass(plan.reason, compiled.sql, onStatus)
      return exec()
    case 'read':
      return read(connection, compiled, plan.scopes, control, exec, onStatus)
  }
}

// Not async: it awaits nothing, and a hit should not pay for one more promise.
function read(
  connection: CachedConnection,
  compiled: CompiledQueryLike,
  scopes: readonly string[],
  control: QueryControl | undefined,
  exec: Exec,
  onStatus: ReturnType<typeof statusOf>,
): Promise<QueryResultLike> {
  const { runtime, transaction } = connection
  if (control?.mode === 'bypass') {
    tellUncached(onStatus, 'uncached() was applied')
    return exec()
  }
  if (transaction.inTransaction) {
    runtime.bypass('read inside a transaction', compiled.sql, onStatus)
    return exec()
  }
  if (control === undefined && runtime.options.strategy === 'explicit') {
    tellUncached(onStatus, "strategy 'explicit' and no cached() on this read")
    return exec()
  }
  const options = control?.mode === 'cache' ? control.options : undefined
  const read = { material: { sql: compiled.sql, parameters: compiled.parameters }, scopes, options, statement: compiled.sql, onStatus }
  return runtime.read(read, (context) => {
    // A `d1Sessions` session sends the read to a copy as recent as the recorded writes ask.
    const { result, call } = trackD1(context.freshness, exec)
    // Set while preparing, or when the anchored session refused the statement and the own one answered.
    return result.then((value) => {
      if (call.unmet) context.cannotMeet()
      return value
    })
  })
}

/** A stream reads straight from the database; a streamed write publishes once the stream ends. */
export async function* streamStatement<R>(
  connection: CachedConnection,
  compiled: CompiledQueryLike,
  open: () => AsyncIterableIterator<R>,
): AsyncIterableIterator<R> {
  const plan = await planOf(connection, compiled)
  try {
    yield* open()
  } finally {
    if (plan.type === 'write') await connection.runtime.afterWrite(plan, connection.transaction)
  }
}
