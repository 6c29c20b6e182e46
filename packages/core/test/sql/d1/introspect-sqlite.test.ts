// Catalog introspection against a real D1 database (miniflare, inside workerd).
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { bulkScope, rowScope, tableScope } from '../../../src/layout'
import { introspectSqlite, planStatement, type Catalog } from '../../../src/sql'

const { DB } = env as unknown as { DB: D1Database }

// D1.exec splits on newlines: one statement per prepare().run().
const SCHEMA = [
  'PRAGMA foreign_keys = ON',
  'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
  'CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES users(id) ON DELETE CASCADE, title TEXT)',
  'CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER REFERENCES posts(id) ON DELETE SET NULL ON UPDATE CASCADE, body TEXT)',
  'CREATE TABLE members (user_id INTEGER NOT NULL, org_id INTEGER NOT NULL, role TEXT, PRIMARY KEY (org_id, user_id))',
  'CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT)',
  'CREATE TABLE audit_archive (what TEXT)',
  'CREATE VIEW published AS SELECT p.id, p.title, u.name FROM posts p JOIN users u ON u.id = p.author_id',
  'CREATE VIEW published_titles AS SELECT title FROM published',
  `CREATE TRIGGER users_audit AFTER UPDATE ON users BEGIN
     INSERT INTO audit (what) VALUES ('user ' || new.id);
   END`,
  `CREATE TRIGGER audit_chain AFTER INSERT ON audit BEGIN
     INSERT INTO audit_archive (what) VALUES (new.what);
   END`,
]

let catalog: Catalog

beforeAll(async () => {
  for (const statement of SCHEMA) await DB.prepare(statement).run()
  catalog = await introspectSqlite(async (sql) => (await DB.prepare(sql).all<Record<string, unknown>>()).results)
})

describe('introspectSqlite on D1', () => {
  it('lists the tables with their primary keys (composite in key order), not SQLite or D1 internals', () => {
    expect([...catalog.tables.keys()].sort()).toStrictEqual(['audit', 'audit_archive', 'comments', 'members', 'posts', 'users'])
    expect(catalog.tables.get('users')?.primaryKey).toStrictEqual(['id'])
    expect(catalog.tables.get('members')?.primaryKey).toStrictEqual(['org_id', 'user_id'])
    expect(catalog.tables.get('audit_archive')?.primaryKey).toStrictEqual([])
    expect(catalog.complete).toBe(true)
  })

  it('reads foreign keys with their ON DELETE / ON UPDATE actions', () => {
    const keys = catalog.foreignKeys.map((key) => `${key.table}->${key.references} ${key.onDelete}/${key.onUpdate}`).sort()
    expect(keys).toStrictEqual(['comments->posts set null/cascade', 'posts->users cascade/no action'])
  })

  it('reads views down to their tables, through other views', () => {
    expect([...(catalog.views.get('published') ?? [])].sort()).toStrictEqual(['posts', 'users'])
    expect([...(catalog.views.get('published_titles') ?? [])].sort()).toStrictEqual(['posts', 'users'])
  })

  it('reads triggers: their table, events and the tables their bodies write', () => {
    const triggers = catalog.triggers.map((trigger) => ({ name: trigger.name, table: trigger.table, events: trigger.events, writes: trigger.writes }))
    expect(triggers.sort((a, b) => a.name.localeCompare(b.name))).toStrictEqual([
      { name: 'audit_chain', table: 'audit', events: ['insert'], writes: [{ table: 'audit_archive', event: 'insert' }] },
      { name: 'users_audit', table: 'users', events: ['update'], writes: [{ table: 'audit', event: 'insert' }] },
    ])
  })

  it('plans with it: an update of a user bumps the tables its triggers write, transitively', () => {
    const plan = planStatement({ sql: 'update "users" set "name" = ? where "users"."id" = ?', params: ['Ada', 1], dialect: 'sqlite' }, { catalog })
    expect(plan.type === 'write' && [...plan.scopes].sort()).toStrictEqual(
      [tableScope('users'), rowScope('users', 1), tableScope('audit'), bulkScope('audit'), tableScope('audit_archive'), bulkScope('audit_archive')].sort(),
    )
  })

  it('the trigger really writes what the catalog says (checked against D1 itself)', async () => {
    await DB.prepare("INSERT INTO users (id, name) VALUES (1, 'Ada')").run()
    await DB.prepare("UPDATE users SET name = 'Ada L.' WHERE id = 1").run()
    const archived = await DB.prepare('SELECT what FROM audit_archive').all<{ what: string }>()
    expect(archived.results.map((row) => row.what)).toStrictEqual(['user 1'])
  })
})
