import type { Cache as KvCache } from '@kvcache/core'
import { databaseScope, pendingInvalidations, tagScope, type PendingInvalidations } from '@kvcache/core/internal'
import { planStatement, readStatement, type BindingCatalog, type Plan, type RunQuery, type TransactionControl } from '@kvcache/core/sql'
import type { Signals } from './signals'

/** One statement as a driver wrapper sees it. */
export interface Statement {
  readonly sql: string
  readonly params: readonly unknown[]
  /** Driver method (`all`, `raw`, `first`, `run`, `query`...): part of the key, since results differ. */
  readonly method: string
}

/** Per-connection transaction state; reads inside a transaction bypass the cache. */
export interface Session {
  inTransaction: boolean
  readonly pending: PendingInvalidations
  /** Runs catalog queries on this session's own connection (a pool client), so they never wait for another one. */
  readonly run?: RunQuery | undefined
}

/** What the statement runner shares with the binding. */
export interface RunnerContext {
  readonly cache: KvCache
  readonly strategy: 'explicit' | 'all'
  readonly database: string
  readonly ttlSeconds: number | undefined
  readonly catalog: BindingCatalog
  readonly signals: Signals
  /** Tables with a write in flight through a driver wrapper (counted), so `onMutate` can skip them. */
  readonly writing: Map<string, number>
  readonly reportBypass: (sql: string, reason: string) => void
}

/** Runs statements through the cache policy: reads served from the cache, writes invalidating after they settle. */
export interface Runner {
  run<T>(statement: Statement, session: Session | undefined, exec: () => Promise<T>): Promise<T>
  /** Invalidation for a batch that ran (held until commit inside a transaction). */
  afterBatch(statements: readonly Statement[], session?: Session): Promise<void>
  /** A script of unknown statements (`D1Database.exec`, `executeMultiple`, migrations): bump everything. */
  afterScript(session?: Session): Promise<void>
  newSession(run?: RunQuery): Session
}

async function planOf(context: RunnerContext, statement: Statement, session: Session | undefined): Promise<Plan> {
  try {
    // Inside a transaction the connection is busy: plan with what is already known.
    const known = await context.catalog.current({ wait: session?.inTransaction !== true, run: session?.run })
    return planStatement({ sql: statement.sql, params: statement.params, dialect: context.catalog.dialect }, { catalog: known })
  } catch (error) {
    // Never let planning fail a query: run it uncached, and if it may write, invalidate everything after.
    context.reportBypass(statement.sql, `could not analyse the statement: ${String(error)}`)
    return readStatement(statement.sql).kind === 'read'
      ? { type: 'bypass', reason: 'analysis failed' }
      : { type: 'write', scopes: [databaseScope()], tables: [], schemaChanged: false }
  }
}

async function publish(context: RunnerContext, scopes: readonly string[], session: Session | undefined): Promise<void> {
  if (session?.inTransaction) session.pending.add({ scopes })
  else await context.cache.invalidate({ scopes })
}

async function read<T>(context: RunnerContext, statement: Statement, session: Session | undefined, exec: () => Promise<T>): Promise<T> {
  const signal = await context.signals.take(statement)
  if (session?.inTransaction) return exec()
  if (!signal && context.strategy === 'explicit') return exec()
  const plan = await planOf(context, statement, session)
  if (plan.type !== 'read') {
    context.reportBypass(statement.sql, plan.type === 'bypass' ? plan.reason : 'not a read')
    return exec()
  }
  const scopes = signal && !signal.autoInvalidate ? [] : [...plan.scopes]
  if (signal?.tag) scopes.push(tagScope(signal.tag))
  const material = { drizzle: context.database, sql: statement.sql, params: statement.params, method: statement.method }
  const request = {
    material,
    scopes,
    ...(context.ttlSeconds === undefined ? {} : { ttlSeconds: context.ttlSeconds }),
    ...(signal ? { lateOptions: signal.late } : {}),
  }
  return context.cache.query(request, exec)
}

type WritePlan = Extract<Plan, { type: 'write' }>

async function write<T>(context: RunnerContext, plan: WritePlan, session: Session | undefined, exec: () => Promise<T>): Promise<T> {
  try {
    return await exec()
  } finally {
    // After the write settled (a read that raced it read older stamps: its fill is dead on
    // arrival), and even when it failed: a driver error does not prove nothing changed (the
    // response may be lost after the commit, and `D1Database.exec` may stop half way).
    await publish(context, plan.scopes, session)
    if (plan.schemaChanged) context.catalog.refresh()
  }
}

async function transaction<T>(control: TransactionControl, session: Session | undefined, exec: () => Promise<T>): Promise<T> {
  if (!session || control === 'savepoint') return exec()
  if (control === 'begin') {
    const result = await exec()
    session.inTransaction = true
    return result
  }
  try {
    return await exec()
  } finally {
    // A failed COMMIT may still have committed (the connection dropped after it): publish anyway.
    session.inTransaction = false
    if (control === 'commit') await session.pending.commit()
    else session.pending.discard()
  }
}

function countWrites(writing: Map<string, number>, tables: readonly string[], delta: 1 | -1): void {
  for (const table of tables) {
    const count = (writing.get(table) ?? 0) + delta
    if (count > 0) writing.set(table, count)
    else writing.delete(table)
  }
}

export function createRunner(context: RunnerContext): Runner {
  return {
    async run(statement, session, exec) {
      const shape = readStatement(statement.sql, context.catalog.dialect)
      if (shape.kind === 'read') return read(context, statement, session, exec)
      // Registered before the first await: Drizzle calls `onMutate` right after starting the query.
      countWrites(context.writing, shape.writes, 1)
      try {
        const plan = await planOf(context, statement, session)
        if (plan.type === 'transaction') return await transaction(plan.control, session, exec)
        if (plan.type === 'write') return await write(context, plan, session, exec)
        // SET, SHOW, PRAGMA reads...: nothing to cache, nothing to invalidate.
        return await exec()
      } finally {
        countWrites(context.writing, shape.writes, -1)
      }
    },
    async afterBatch(statements, session) {
      const scopes = new Set<string>()
      let schemaChanged = false
      for (const statement of statements) {
        const plan = await planOf(context, statement, session)
        if (plan.type !== 'write') continue
        for (const scope of plan.scopes) scopes.add(scope)
        schemaChanged ||= plan.schemaChanged
      }
      if (scopes.size > 0) await publish(context, [...scopes], session)
      if (schemaChanged) context.catalog.refresh()
    },
    async afterScript(session) {
      await publish(context, [databaseScope()], session)
      context.catalog.refresh()
    },
    newSession(run) {
      return { inTransaction: false, pending: pendingInvalidations(context.cache), ...(run ? { run } : {}) }
    },
  }
}
