import { changeScopes, tellUncached, transactionStepOf, type BindingRuntime, type TransactionBuffer, type WritePlan } from '@kvcache/core/binding'
import type { LoadContext } from '@kvcache/core'
import { readStatement, type Plan, type RunQuery } from '@kvcache/core/sql'
import type { Signals } from './signals'
import type { StatusRequests } from './status'

/** One statement as a driver wrapper sees it. */
export interface Statement {
  readonly sql: string
  readonly params: readonly unknown[]
  /** Driver method (`all`, `raw`, `first`, `run`, `query`...): part of the key, since results differ. */
  readonly method: string
}

/** One connection (a pool client, a `pg.Client`, a libSQL transaction): its transaction buffer. Reads inside a transaction bypass the cache. */
export interface Session {
  readonly transaction: TransactionBuffer
  /** Runs catalog queries on this session's own connection (a pool client), so they never wait for another one. */
  readonly run?: RunQuery | undefined
}

/** What the statement runner shares with the binding. */
export interface RunnerContext {
  readonly runtime: BindingRuntime
  readonly signals: Signals
  /** `withStatus` requests waiting for their statement. */
  readonly statuses: StatusRequests
  /** Tables with a write in flight through a driver wrapper (counted, until the task after it settled), so Drizzle's own `onMutate` can skip them. */
  readonly writing: Map<string, number>
  readonly reportBypass: (sql: string, reason: string, onStatus?: OnStatus) => void
  /** Told about every read a wrapper runs outside a transaction, before it is served (setup checks). */
  readonly onRead: () => void
}

/**
 * Runs one statement on the database. For a read the cache may serve, it is told how recent a copy
 * of the database its answer must come from (a D1 session wrapper routes it); others ignore it.
 */
export type Exec<T> = (context?: LoadContext) => Promise<T>

/** Where the database stands after this handle's last write (a D1 session's bookmark), when the driver can say. */
export type PositionOf = () => string | undefined

/** Runs statements through the cache policy: reads served from the cache, writes invalidating after they settle. */
export interface Runner {
  run<T>(statement: Statement, session: Session | undefined, exec: Exec<T>, position?: PositionOf): Promise<T>
  /** Invalidation for a batch that ran (held until commit inside a transaction). */
  afterBatch(statements: readonly Statement[], session?: Session, position?: PositionOf): Promise<void>
  /** A script of unknown statements (`D1Database.exec`, `executeMultiple`, migrations): bump everything. */
  afterScript(session?: Session): Promise<void>
}

function planOf(context: RunnerContext, statement: Statement, session: Session | undefined): Promise<Plan> {
  const { runtime } = context
  // Inside a transaction the connection is busy: plan with what is already known. Never throws.
  return runtime.plan(
    { sql: statement.sql, params: statement.params, ...(runtime.catalog.dialect ? { dialect: runtime.catalog.dialect } : {}) },
    { wait: session?.transaction.inTransaction !== true, run: session?.run },
  )
}

type OnStatus = ReturnType<StatusRequests['take']>

async function read<T>(context: RunnerContext, statement: Statement, session: Session | undefined, exec: Exec<T>): Promise<T> {
  const onStatus = context.statuses.take(statement)
  const signal = await context.signals.take(statement)
  if (session?.transaction.inTransaction) {
    tellUncached(onStatus, 'read inside a transaction')
    return exec()
  }
  context.onRead()
  if (!signal && context.runtime.options.strategy === 'explicit') {
    tellUncached(onStatus, "strategy 'explicit' and no $withCache() on this read")
    return exec()
  }
  const plan = await planOf(context, statement, session)
  if (plan.type !== 'read') {
    context.reportBypass(statement.sql, plan.type === 'bypass' ? plan.reason : 'not a read', onStatus)
    return exec()
  }
  return context.runtime.read(
    {
      material: { sql: statement.sql, params: statement.params, method: statement.method },
      statement: statement.sql,
      onStatus,
      // `autoInvalidate: false`: only the tag (or the TTL) ends the entry.
      scopes: signal && !signal.autoInvalidate ? [] : plan.scopes,
      ...(signal?.tag === undefined ? {} : { options: { ttlSeconds: undefined, swrSeconds: undefined, tags: [signal.tag] } }),
      ...(signal ? { lateOptions: signal.late } : {}),
    },
    exec,
  )
}

async function write<T>(context: RunnerContext, plan: WritePlan, session: Session | undefined, exec: Exec<T>, position?: PositionOf): Promise<T> {
  try {
    return await exec()
  } finally {
    // After the write settled (a read that raced it read older stamps: its fill is dead on
    // arrival), and even when it failed: a driver error does not prove nothing changed (the
    // response may be lost after the commit, and `D1Database.exec` may stop half way).
    await context.runtime.afterWrite(plan, session?.transaction, position?.())
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
  const { runtime } = context
  return {
    async run(statement, session, exec, position) {
      const shape = readStatement(statement.sql, runtime.catalog.dialect)
      if (shape.kind === 'read') return read(context, statement, session, exec)
      tellUncached(context.statuses.take(statement), `not a read (${shape.kind})`)
      // Registered before the first await: Drizzle calls `onMutate` right after starting the query.
      countWrites(context.writing, shape.writes, 1)
      try {
        const plan = await planOf(context, statement, session)
        // A connection-less driver (D1, a pool) has no transaction to follow: the statement just runs.
        if (plan.type === 'transaction') return await (session ? session.transaction.run(transactionStepOf(plan), exec) : exec())
        if (plan.type === 'write') return await write(context, plan, session, exec, position)
        // SET, SHOW, PRAGMA reads...: nothing to cache, nothing to invalidate.
        return await exec()
      } finally {
        // Drizzle 0.x sends `onMutate` alongside the write, 1.0 once it resolved: a few microtasks
        // later, before any I/O. Either way it has arrived by the next task.
        setTimeout(() => countWrites(context.writing, shape.writes, -1), 0)
      }
    },
    async afterBatch(statements, session, position) {
      const scopes = new Set<string>()
      let schemaChanged = false
      for (const statement of statements) {
        const plan = await planOf(context, statement, session)
        if (plan.type !== 'write') continue
        for (const scope of plan.scopes) scopes.add(scope)
        schemaChanged ||= plan.schemaChanged
      }
      await runtime.publish([...scopes], session?.transaction, position?.())
      if (schemaChanged) runtime.catalog.refresh()
    },
    async afterScript(session) {
      await runtime.publish(changeScopes([{ kind: 'database' }]), session?.transaction)
      runtime.catalog.refresh()
    },
  }
}
