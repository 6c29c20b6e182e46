import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import { describe, expect } from 'vitest'
// Through @kvcache/kysely/sqlite, the SQLite-only entry (the other D1 tests use the root one).
import { kyselyCache } from '../../src/sqlite'
import type { Database } from './schema'
import { behindTheCache, DB, setup } from './setup'

interface WithAudit extends Database {
  audit: { id: number; what: string }
}

/** Fault injection the real D1 cannot produce on demand: catalog queries (sqlite_master) fail. */
function catalogFailsFault(d1: D1Database): D1Database {
  return new Proxy(d1, {
    get(target, property) {
      if (property === 'prepare')
        return (sql: string) => (/sqlite_master/.test(sql) ? target.prepare('select * from no_such_table_kvcache') : target.prepare(sql))
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

describe('what the database catalog adds (learned once, through the wrapped driver)', () => {
  itInvalidates('an update by primary key keeps by-id reads of other rows cached, and the written row fresh', async () => {
    const { db, behind } = await setup({ database: 'rows' })
    const byId = (on: Kysely<Database>, id: number) => on.selectFrom('posts').select('title').where('id', '=', id).execute()
    expect(await byId(db, 1)).toStrictEqual([{ title: 'Hello' }])
    await expectFreshAfterWrite({
      read: () => byId(db, 2),
      direct: () => byId(behind, 2),
      changeBehind: () => behindTheCache("update posts set title = 'behind' where id in (1, 2)"),
      write: () => db.updateTable('posts').set({ title: 'Changed' }).where('id', '=', 2).execute(),
    })
    // Row 1 was not written: its entry is still served (the change behind it is not seen).
    expect(await byId(db, 1)).toStrictEqual([{ title: 'Hello' }])
  })

  // The where pins a key of another table (the FROM's), and every post is updated.
  itInvalidates('a by-key read of a row an UPDATE ... FROM writes without naming it', async () => {
    const { db, behind } = await setup({ database: 'rows-from' })
    const byId = (on: Kysely<Database>) => on.selectFrom('posts').select('title').where('id', '=', 2).execute()
    await expectFreshAfterWrite({
      read: () => byId(db),
      direct: () => byId(behind),
      changeBehind: () => behindTheCache("update posts set title = 'behind' where id = 2"),
      write: () => db.updateTable('posts').from('users').set({ title: 'joined' }).where('users.id', '=', 1).execute(),
    })
  })

  // `id` in the outer where is the CTE's column (a post's author), not the posts key.
  itInvalidates('a read through a CTE that renames the key column depends on the table, not on one row', async () => {
    const { db, behind } = await setup({ database: 'rows-cte' })
    const byAuthor = (on: Kysely<Database>) =>
      on
        .with('p', (qb) => qb.selectFrom('posts').select(['author_id as id', 'title']))
        .selectFrom('p')
        .select('title')
        .where('id', '=', 1)
        .orderBy('title')
        .execute()
    await expectFreshAfterWrite({
      read: () => byAuthor(db),
      direct: () => byAuthor(behind),
      changeBehind: () => behindTheCache("update posts set title = 'behind' where id = 1"),
      write: () => db.updateTable('posts').set({ author_id: 1 }).where('id', '=', 2).execute(),
    })
  })

  itInvalidates('a trigger that writes another table invalidates reads of that table', async () => {
    const { db, behind } = await setup({ database: 'trigger' })
    await DB.prepare('DROP TABLE IF EXISTS audit').run()
    await DB.prepare('CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT NOT NULL)').run()
    await DB.prepare("CREATE TRIGGER users_audit AFTER UPDATE ON users BEGIN INSERT INTO audit (what) VALUES ('renamed ' || new.name); END").run()
    const read = (on: Kysely<Database>) => (on as unknown as Kysely<WithAudit>).selectFrom('audit').select('what').orderBy('id').execute()
    await expectFreshAfterWrite({
      read: () => read(db),
      direct: () => read(behind),
      changeBehind: () => behindTheCache("insert into audit (what) values ('behind')"),
      write: () => db.updateTable('users').set({ name: 'Countess' }).where('id', '=', 1).execute(),
    })
    expect(await read(db)).toStrictEqual([{ what: 'behind' }, { what: 'renamed Countess' }])
  })

  itInvalidates('an undeclared view is found and invalidated by writes to the tables it reads', async () => {
    const { db, behind } = await setup({ database: 'view' })
    const read = (on: Kysely<Database>) => on.selectFrom('published_titles').select(['title', 'author']).orderBy('id').execute()
    await expectFreshAfterWrite({
      read: () => read(db),
      direct: () => read(behind),
      changeBehind: () => behindTheCache("update posts set title = 'behind' where id = 1"),
      write: () => db.updateTable('users').set({ name: 'Countess' }).where('id', '=', 1).execute(),
    })
  })

  itInvalidates('a catalog that cannot be read degrades to table-level planning with one event, never a failed query', async () => {
    const { cache, events, behind } = await setup({ database: 'failing-catalog' })
    const db = new Kysely<Database>({
      dialect: kyselyCache(new D1Dialect({ database: catalogFailsFault(DB) }), cache, { strategy: 'all', database: 'failing-catalog' }),
    })
    const read = (on: Kysely<Database>) =>
      on.selectFrom('posts').innerJoin('users', 'users.id', 'posts.author_id').select(['title', 'name']).orderBy('posts.id').execute()
    await expectFreshAfterWrite({
      read: () => read(db),
      direct: () => read(behind),
      changeBehind: () => behindTheCache("update posts set title = 'behind' where id = 1"),
      write: () => db.updateTable('users').set({ name: 'Countess' }).where('id', '=', 1).execute(),
    })
    expect(events.filter((event) => event.type === 'degraded' && event.source === 'kysely')).toHaveLength(1)
  })

  itInvalidates('with catalog: false, declared facts are used instead', async () => {
    const schema = { foreignKeys: [{ table: 'comments', references: 'posts', onDelete: 'cascade' as const }] }
    const { db, behind } = await setup({ database: 'declared', catalog: false, schema })
    const read = (on: Kysely<Database>) => on.selectFrom('comments').select('body').orderBy('id').execute()
    await expectFreshAfterWrite({
      read: () => read(db),
      direct: () => read(behind),
      changeBehind: () => behindTheCache("insert into comments (id, post_id, body) values (2, 2, 'behind')"),
      write: () => db.deleteFrom('posts').where('id', '=', 1).execute(),
    })
    expect(await read(db)).toStrictEqual([{ body: 'behind' }])
  })

  itInvalidates('a schema change through Kysely reads the catalog again: a view created later is cached and invalidated', async () => {
    const { db, behind } = await setup({ database: 'ddl' })
    await db.selectFrom('users').selectAll().execute()
    await db.schema
      .createView('grace_posts')
      .as(db.selectFrom('posts').select('title').where('author_id', '=', 2))
      .execute()
    const read = (on: Kysely<Database>) => (on as unknown as Kysely<{ grace_posts: { title: string } }>).selectFrom('grace_posts').select('title').execute()
    await expectFreshAfterWrite({
      read: () => read(db),
      direct: () => read(behind),
      changeBehind: () => behindTheCache("update posts set title = 'behind' where id = 2"),
      write: () => db.updateTable('posts').set({ title: 'Renamed' }).where('id', '=', 2).execute(),
    })
    await db.schema.dropView('grace_posts').execute()
  })
})
