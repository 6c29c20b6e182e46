import type { Cache } from '@kvcache/core'
import { databaseScope, tagScope } from '@kvcache/core/internal'
import type { Catalog } from '@kvcache/core/sql'
import { controlOf, type QueryControl } from './control'
import type { KyselyCatalog } from './catalog'
import type { CompiledQueryLike, DatabaseConnectionLike, QueryResultLike } from './kysely-types'
import { planStatement, type Plan } from './plan'
import type { Session } from './session'

/** What the binding needs to decide, per statement. */
export interface BindingConfig {
  readonly cache: Cache
  readonly strategy: 'explicit' | 'all'
  readonly database: string
  readonly ttlSeconds: number | undefined
  readonly swrSeconds: number | undefined
  readonly catalog: KyselyCatalog
}

type Exec = () => Promise<QueryResultLike>

/** One statement on one connection: what the driver wrapper hands the policy. */
export interface Call {
  readonly compiled: CompiledQueryLike
  readonly session: Session
  /** The driver's own connection: catalog queries run on it, never waiting for another from a pool. */
  readonly connection: DatabaseConnectionLike
}

/** Runs one statement through the cache policy. Never fails because of the cache. */
export async function runStatement(config: BindingConfig, { compiled, session, connection }: Call, exec: Exec): Promise<QueryResultLike> {
  // Inside a transaction the connection is busy (a failing catalog query would abort it): plan with what is known.
  const catalog = await config.catalog.current({ wait: !session.inTransaction, connection })
  const plan = safePlan(config, compiled, catalog)
  switch (plan.type) {
    case 'transaction':
      return runTransactionControl(plan, session, exec)
    case 'write':
      try {
        return await exec()
      } finally {
        // Also after a failed write: a statement that timed out may still have committed.
        if (plan.schemaChanged) config.catalog.refresh()
        await publish(config, session, plan)
      }
    case 'bypass':
      skip(config, `${plan.reason}: ${compiled.sql.slice(0, 200)}`)
      return exec()
    case 'read':
      return runRead(config, { compiled, session, connection }, plan.scopes, exec)
  }
}

/** Plans a statement; a planner failure never fails the query: it runs uncached and invalidates broadly. */
export function safePlan(config: BindingConfig, compiled: CompiledQueryLike, catalog: Catalog | undefined): Plan {
  try {
    return planStatement(compiled, { catalog, dialect: config.catalog.dialect })
  } catch (error) {
    config.cache.report({ type: 'degraded', source: 'kysely', detail: 'could not read the statement; it runs uncached and invalidates every table', error })
    return { type: 'write', scopes: [databaseScope()], schemaChanged: false }
  }
}

async function runRead(config: BindingConfig, { compiled, session }: Call, scopes: readonly string[], exec: Exec) {
  const control: QueryControl | undefined = controlOf(compiled.query)
  if (control?.mode === 'bypass') return exec()
  if (session.inTransaction) {
    skip(config, 'read inside a transaction')
    return exec()
  }
  if (control === undefined && config.strategy === 'explicit') return exec()
  const options = control?.mode === 'cache' ? control.options : {}
  const ttlSeconds = options.ttlSeconds ?? config.ttlSeconds
  const swrSeconds = options.swrSeconds ?? config.swrSeconds
  const request = {
    material: { kysely: config.database, sql: compiled.sql, parameters: compiled.parameters },
    scopes: [...scopes, ...(options.tags ?? []).map(tagScope)],
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
    ...(swrSeconds === undefined ? {} : { swrSeconds }),
  }
  return config.cache.query(request, exec)
}

async function publish(config: BindingConfig, session: Session, plan: Extract<Plan, { type: 'write' }>): Promise<void> {
  try {
    await session.publish({ scopes: plan.scopes })
  } catch (error) {
    config.cache.report({ type: 'degraded', source: 'kysely', detail: 'publishing an invalidation failed', error })
  }
}

/** `begin` / `commit` / savepoints sent as raw SQL on one connection. The result passes through untouched. */
async function runTransactionControl({ control, savepoint }: Extract<Plan, { type: 'transaction' }>, session: Session, exec: Exec): Promise<QueryResultLike> {
  let result: QueryResultLike
  try {
    result = await exec()
  } catch (error) {
    // A failed COMMIT may still have committed: publish (over-invalidating is safe).
    if (control === 'commit') await session.commit()
    throw error
  }
  if (control === 'begin') session.begin()
  else if (control === 'commit') await session.commit()
  else if (control === 'rollback') session.rollback()
  else if (savepoint?.action === 'set') session.savepoint(savepoint.name)
  else if (savepoint?.action === 'rollback-to') session.rollbackTo(savepoint.name)
  else if (savepoint?.action === 'release') session.release(savepoint.name)
  return result
}

function skip(config: BindingConfig, detail: string): void {
  config.cache.report({ type: 'skip', reason: 'bypass', detail })
}
