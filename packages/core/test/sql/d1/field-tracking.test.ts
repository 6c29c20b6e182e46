// Field-aware invalidation through the binding runtime every ORM binding shares, on real D1
// (miniflare, inside workerd): the planner reads the SET list, the runtime reports a quiet write,
// and the transaction buffer holds exactly the scopes a write would publish outside a transaction.
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { createCache, memoryStorage, type CacheEvent } from '../../../src'
import { createBindingRuntime, type TransactionBuffer } from '../../../src/binding'
import { introspectSqlite, type RunQuery } from '../../../src/sql'

const { DB } = env as unknown as { DB: D1Database }
const runOn: RunQuery = async (sql) => (await DB.prepare(sql).all<Record<string, unknown>>()).results

beforeEach(async () => {
  for (const statement of [
    'DROP TABLE IF EXISTS tracked_runtime',
    'CREATE TABLE tracked_runtime (id INTEGER PRIMARY KEY, title TEXT NOT NULL, view_count INTEGER NOT NULL DEFAULT 0)',
    "INSERT INTO tracked_runtime VALUES (1, 'Hello', 10), (2, 'World', 20)",
  ]) {
    await DB.prepare(statement).run()
  }
})

function setup() {
  const events: CacheEvent[] = []
  const cache = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) })
  const runtime = createBindingRuntime({
    cache,
    binding: 'test',
    options: { database: `ft-${crypto.randomUUID()}`, fieldTracking: { tracked_runtime: { neverInvalidateOn: ['view_count'] } } },
  })
  runtime.attach({ handle: DB, dialect: 'sqlite', run: runOn, introspect: introspectSqlite })
  /** A write as a binding runs it: plan, run, publish (into `transaction` when one is open). */
  const write = async (sql: string, params: unknown[], transaction?: TransactionBuffer) => {
    const plan = await runtime.plan({ sql, params, dialect: 'sqlite' }, { wait: true })
    await DB.prepare(sql)
      .bind(...params)
      .run()
    if (plan.type !== 'write') throw new Error(`not a write: ${sql}`)
    await runtime.afterWrite(plan, transaction)
  }
  const read = async (sql: string) => {
    const plan = await runtime.plan({ sql, params: [], dialect: 'sqlite' }, { wait: true })
    if (plan.type !== 'read') throw new Error(`not a read: ${sql}`)
    return runtime.read({ material: { sql }, scopes: plan.scopes }, async () => (await DB.prepare(sql).all()).results)
  }
  const quietEvents = () => events.flatMap((event) => (event.type === 'invalidate' && event.quiet ? [event.quiet] : []))
  const bumps = () => events.filter((event) => event.type === 'invalidate' && !event.quiet)
  return { runtime, write, read, quietEvents, bumps }
}

const TABLE = 'select id, title, view_count from tracked_runtime order by id'
const ROW = 'select title, view_count from tracked_runtime where id = 1'
const behind = (sql: string) => DB.prepare(sql).run()

describe('a write of quiet columns only', () => {
  for (const [name, sql] of [
    ['a table read', TABLE],
    ['a row read by key', ROW],
  ]) {
    it(`bumps nothing and says so: ${name} stays a hit`, async () => {
      const { write, read, quietEvents, bumps } = setup()
      const filled = await read(sql as string)
      await behind("UPDATE tracked_runtime SET title = 'behind' WHERE id = 1")
      expect(await read(sql as string)).toStrictEqual(filled)
      await write('update tracked_runtime set view_count = view_count + 1 where id = ?', [1])
      // Still the filled value: neither the title changed behind the cache nor the new count is seen.
      expect(await read(sql as string)).toStrictEqual(filled)
      expect(quietEvents()).toStrictEqual([{ table: 'tracked_runtime', columns: ['view_count'] }])
      expect(bumps()).toStrictEqual([])
      // A loud column in the same table: the read is fresh again.
      await write('update tracked_runtime set title = ?, view_count = 0 where id = ?', ['written', 1])
      expect(await read(sql as string)).toStrictEqual((await DB.prepare(sql as string).all()).results)
      expect(bumps()).toHaveLength(1)
    })
  }
})

describe('inside a transaction, through the core buffer', () => {
  it('a quiet write buffers nothing: commit publishes only what loud writes changed, a savepoint rolled back drops its loud write', async () => {
    const { runtime, write, read, bumps, quietEvents } = setup()
    const filled = await read(TABLE)
    const tx = runtime.transaction()
    await tx.apply({ kind: 'begin' })
    await write('update tracked_runtime set view_count = 99', [], tx)
    await tx.apply({ kind: 'savepoint', name: 's' })
    await write("update tracked_runtime set title = 'inner'", [], tx)
    await tx.apply({ kind: 'rollback-to', name: 's' })
    await tx.apply({ kind: 'commit' })
    expect(quietEvents()).toHaveLength(1)
    expect(bumps()).toStrictEqual([])
    expect(await read(TABLE)).toStrictEqual(filled)

    await tx.apply({ kind: 'begin' })
    await write('update tracked_runtime set view_count = 7', [], tx)
    await write("update tracked_runtime set title = 'kept'", [], tx)
    expect(await read(TABLE)).toStrictEqual(filled)
    await tx.apply({ kind: 'commit' })
    expect(bumps()).toHaveLength(1)
    expect(await read(TABLE)).toStrictEqual((await DB.prepare(TABLE).all()).results)
  })
})
