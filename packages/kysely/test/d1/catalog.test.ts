import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import { describe, expect, it } from 'vitest'
// Through @kvcache/kysely/sqlite, the SQLite-only entry (the other D1 tests use the root one).
import { kyselyCache } from '../../src/sqlite'
import type { Database } from './schema'
import { DB, setup } from './setup'

interface WithAudit extends Database {
  audit: { id: number; what: string }
}

/** Fault injection the real D1 cannot produce on demand: catalog queries (sqlite_master) fail. */
function catalogFailsFault(d1: D1Database): D1Database {
  return new Proxy(d1, {
    get(target, property) {
      if (property === 'prepare') return (sql: string) => (/sqlite_master/.test(sql) ? target.prepare('select * from no_such_table_kvcache') : target.prepare(sql))
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

describe('what the database catalog adds (learned once, through the wrapped driver)', () => {
  it('an update by primary key keeps by-id reads of other rows cached, and the written row fresh', async () => {
    const { db, count } = await setup({ database: 'rows' })
    const byId = (id: number) => db.selectFrom('posts').select('title').where('id', '=', id).execute()
    await byId(1)
    await byId(2)
    await db.updateTable('posts').set({ title: 'Changed' }).where('id', '=', 2).execute()
    expect(await byId(1)).toStrictEqual([{ title: 'Hello' }])
    expect(count('hit')).toBe(1)
    expect(await byId(2)).toStrictEqual([{ title: 'Changed' }])
  })

  it('a trigger that writes another table invalidates reads of that table', async () => {
    const { db, behind } = await setup({ database: 'trigger' })
    await DB.prepare('DROP TABLE IF EXISTS audit').run()
    await DB.prepare('CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT NOT NULL)').run()
    await DB.prepare("CREATE TRIGGER users_audit AFTER UPDATE ON users BEGIN INSERT INTO audit (what) VALUES ('renamed ' || new.name); END").run()
    const audited = db as unknown as Kysely<WithAudit>
    const read = (on: Kysely<WithAudit>) => on.selectFrom('audit').select('what').orderBy('id').execute()
    expect(await read(audited)).toStrictEqual([])
    await db.updateTable('users').set({ name: 'Countess' }).where('id', '=', 1).execute()
    expect(await read(audited)).toStrictEqual(await read(behind as unknown as Kysely<WithAudit>))
    expect(await read(audited)).toStrictEqual([{ what: 'renamed Countess' }])
  })

  it('an undeclared view is found and invalidated by writes to the tables it reads', async () => {
    const { db } = await setup({ database: 'view' })
    const read = () => db.selectFrom('published_titles').select('author').orderBy('id').execute()
    expect(await read()).toStrictEqual([{ author: 'Ada' }, { author: 'Grace' }])
    await db.updateTable('users').set({ name: 'Countess' }).where('id', '=', 1).execute()
    expect(await read()).toStrictEqual([{ author: 'Countess' }, { author: 'Grace' }])
  })

  it('a catalog that cannot be read degrades to table-level planning with one event, never a failed query', async () => {
    const { cache, events, behind } = await setup({ database: 'failing-catalog' })
    const db = new Kysely<Database>({ dialect: kyselyCache(new D1Dialect({ database: catalogFailsFault(DB) }), cache, { strategy: 'all', database: 'failing-catalog' }) })
    const read = (on: Kysely<Database>) => on.selectFrom('posts').innerJoin('users', 'users.id', 'posts.author_id').select(['title', 'name']).orderBy('posts.id').execute()
    expect(await read(db)).toStrictEqual(await read(behind))
    await db.updateTable('users').set({ name: 'Countess' }).where('id', '=', 1).execute()
    expect(await read(db)).toStrictEqual(await read(behind))
    expect(events.filter((event) => event.type === 'degraded' && event.source === 'kysely')).toHaveLength(1)
  })

  it('with catalog: false, declared facts are used instead', async () => {
    const schema = { foreignKeys: [{ table: 'comments', references: 'posts', onDelete: 'cascade' as const }] }
    const { db, behind } = await setup({ database: 'declared', catalog: false, schema })
    const read = (on: Kysely<Database>) => on.selectFrom('comments').select('body').execute()
    expect(await read(db)).toStrictEqual([{ body: 'First!' }])
    await db.deleteFrom('posts').where('id', '=', 1).execute()
    expect(await read(db)).toStrictEqual(await read(behind))
    expect(await read(db)).toStrictEqual([])
  })

  it('a schema change through Kysely reads the catalog again: a view created later is cached and invalidated', async () => {
    const { db } = await setup({ database: 'ddl' })
    await db.selectFrom('users').selectAll().execute()
    await db.schema.createView('grace_posts').as(db.selectFrom('posts').select('title').where('author_id', '=', 2)).execute()
    const view = db as unknown as Kysely<{ grace_posts: { title: string } }>
    const read = () => view.selectFrom('grace_posts').select('title').execute()
    expect(await read()).toStrictEqual([{ title: 'World' }])
    await db.updateTable('posts').set({ title: 'Renamed' }).where('id', '=', 2).execute()
    expect(await read()).toStrictEqual([{ title: 'Renamed' }])
    await db.schema.dropView('grace_posts').execute()
  })
})
