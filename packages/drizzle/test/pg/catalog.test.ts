// What the binding learns from PostgreSQL's own catalog: triggers (PL/pgSQL bodies), views,
// composite keys, cascade chains. A schema of its own per run; no Drizzle schema given to the cache.
import { createCache, memoryStorage, type CacheEvent } from '@kvcache/core'
import { and, eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import { integer, pgSchema, primaryKey, serial, text } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
// Through @kvcache/drizzle/pg, the PostgreSQL-only entry (test/pg/pg.test.ts covers the root one).
import { drizzleCache } from '../../src/pg'

const schemaName = `kvc_cat_${Math.random().toString(36).slice(2, 10)}`
const app = pgSchema(schemaName)
const users = app.table('users', { id: integer('id').primaryKey(), name: text('name').notNull() })
const audit = app.table('audit', { id: serial('id').primaryKey(), what: text('what').notNull() })
const posts = app.table('posts', { id: integer('id').primaryKey(), authorId: integer('author_id').notNull(), title: text('title').notNull() })
const comments = app.table('comments', { id: integer('id').primaryKey(), postId: integer('post_id'), body: text('body').notNull() })
const members = app.table(
  'members',
  { orgId: integer('org_id').notNull(), userId: integer('user_id').notNull(), role: text('role').notNull() },
  (table) => [primaryKey({ columns: [table.orgId, table.userId] })],
)

// Set by the shared globalSetup (test-support/postgres-setup.ts): the caller's, the machine's or an embedded server.
const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) throw new Error('DATABASE_URL is unset: the pg project in vitest.config.ts must list postgresGlobalSetup')
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 })
const s = schemaName

beforeAll(async () => {
  for (const statement of [
    `CREATE SCHEMA ${s}`,
    `CREATE TABLE ${s}.users (id integer PRIMARY KEY, name text NOT NULL)`,
    `CREATE TABLE ${s}.audit (id serial PRIMARY KEY, what text NOT NULL)`,
    `CREATE TABLE ${s}.posts (id integer PRIMARY KEY, author_id integer NOT NULL REFERENCES ${s}.users(id) ON DELETE CASCADE, title text NOT NULL)`,
    `CREATE TABLE ${s}.comments (id integer PRIMARY KEY, post_id integer REFERENCES ${s}.posts(id) ON DELETE CASCADE, body text NOT NULL)`,
    `CREATE TABLE ${s}.members (user_id integer NOT NULL, org_id integer NOT NULL, role text NOT NULL, PRIMARY KEY (org_id, user_id))`,
    `CREATE VIEW ${s}.bylines AS SELECT p.id, p.title, u.name AS author FROM ${s}.posts p JOIN ${s}.users u ON u.id = p.author_id`,
    `CREATE FUNCTION ${s}.log_rename() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       INSERT INTO ${s}.audit (what) VALUES ('renamed ' || OLD.name || ' to ' || NEW.name);
       RETURN NEW;
     END $$`,
    `CREATE TRIGGER users_audit AFTER UPDATE ON ${s}.users FOR EACH ROW EXECUTE FUNCTION ${s}.log_rename()`,
  ]) {
    await pool.query(statement)
  }
})

afterAll(async () => {
  await pool.query(`DROP SCHEMA ${s} CASCADE`)
  await pool.end()
})

beforeEach(async () => {
  await pool.query(`TRUNCATE ${s}.users, ${s}.audit, ${s}.posts, ${s}.comments, ${s}.members`)
  await pool.query(`INSERT INTO ${s}.users VALUES (1, 'Ada'), (2, 'Grace')`)
  await pool.query(`INSERT INTO ${s}.posts VALUES (1, 1, 'Hello'), (2, 2, 'World')`)
  await pool.query(`INSERT INTO ${s}.comments VALUES (1, 1, 'First!')`)
  await pool.query(`INSERT INTO ${s}.members VALUES (1, 10, 'owner'), (2, 10, 'reader')`)
})

function setup() {
  const events: CacheEvent[] = []
  const cache = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) })
  // A database name of its own: this test's catalog is read after its schema exists.
  const kv = drizzleCache(cache, { strategy: 'all', database: `pg-${crypto.randomUUID()}` })
  return { db: drizzle({ client: kv.pg(pool), cache: kv }), behindTheCache: drizzle({ client: pool }), events }
}

describe('PostgreSQL catalog through Drizzle (no schema given)', () => {
  it('a write that fires a trigger refreshes reads of the table its function writes', async () => {
    const { db, behindTheCache } = setup()
    const readAudit = () => db.select({ what: audit.what }).from(audit).orderBy(audit.id)
    expect(await readAudit()).toStrictEqual([])
    await behindTheCache.insert(audit).values({ what: 'behind' })
    expect(await readAudit()).toStrictEqual([])
    await db.update(users).set({ name: 'Ada L.' }).where(eq(users.id, 1))
    expect(await readAudit()).toStrictEqual([{ what: 'behind' }, { what: 'renamed Ada to Ada L.' }])
  })

  it('the trigger inside a transaction: published on commit', async () => {
    const { db, behindTheCache } = setup()
    const readAudit = () => db.select({ what: audit.what }).from(audit).orderBy(audit.id)
    expect(await readAudit()).toStrictEqual([])
    await behindTheCache.insert(audit).values({ what: 'behind' })
    await db.transaction(async (tx) => {
      await tx.update(users).set({ name: 'Grace H.' }).where(eq(users.id, 2))
    })
    expect(await readAudit()).toStrictEqual([{ what: 'behind' }, { what: 'renamed Grace to Grace H.' }])
  })

  it('a view is read through the tables it depends on', async () => {
    const { db, behindTheCache } = setup()
    const read = async () => (await db.execute<{ author: string }>(sql.raw(`select author from ${s}.bylines order by id`))).rows.map((row) => row.author)
    expect(await read()).toStrictEqual(['Ada', 'Grace'])
    await behindTheCache.update(users).set({ name: 'Behind' }).where(eq(users.id, 2))
    expect(await read()).toStrictEqual(['Ada', 'Grace'])
    await db.update(users).set({ name: 'Ada L.' }).where(eq(users.id, 1))
    expect(await read()).toStrictEqual(['Ada L.', 'Behind'])
  })

  it('ON DELETE CASCADE through two levels', async () => {
    const { db, behindTheCache } = setup()
    const readComments = () => db.select({ body: comments.body }).from(comments)
    expect(await readComments()).toStrictEqual([{ body: 'First!' }])
    await behindTheCache.update(comments).set({ body: 'behind' })
    expect(await readComments()).toStrictEqual([{ body: 'First!' }])
    await db.delete(users).where(eq(users.id, 1))
    expect(await readComments()).toStrictEqual([])
  })

  it('a composite primary key gives row scopes', async () => {
    const { db, behindTheCache } = setup()
    const role = async (orgId: number, userId: number) =>
      (await db.select({ role: members.role }).from(members).where(and(eq(members.orgId, orgId), eq(members.userId, userId))))[0]?.role
    expect([await role(10, 1), await role(10, 2)]).toStrictEqual(['owner', 'reader'])
    await behindTheCache.update(members).set({ role: 'behind' }).where(eq(members.userId, 2))
    await db.update(members).set({ role: 'admin' }).where(and(eq(members.orgId, 10), eq(members.userId, 1)))
    expect([await role(10, 1), await role(10, 2)]).toStrictEqual(['admin', 'reader'])
    await db.update(members).set({ role: 'gone' }).where(eq(members.orgId, 10))
    expect([await role(10, 1), await role(10, 2)]).toStrictEqual(['gone', 'gone'])
  })

  it('reads posts by id with row scopes (primary keys from the catalog)', async () => {
    const { db, behindTheCache } = setup()
    const title = async (id: number) => (await db.select({ title: posts.title }).from(posts).where(eq(posts.id, id)))[0]?.title
    expect([await title(1), await title(2)]).toStrictEqual(['Hello', 'World'])
    await behindTheCache.update(posts).set({ title: 'behind' }).where(eq(posts.id, 2))
    await db.update(posts).set({ title: 'One' }).where(eq(posts.id, 1))
    expect([await title(1), await title(2)]).toStrictEqual(['One', 'World'])
  })
})

describe('a migration run elsewhere', () => {
  it('a trigger added behind the app is followed once the catalog is older than five minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      await pool.query(`CREATE TABLE ${s}.notes (id serial PRIMARY KEY, what text NOT NULL)`)
      const notes = app.table('notes', { id: serial('id').primaryKey(), what: text('what').notNull() })
      const events: CacheEvent[] = []
      const cache = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) })
      const kv = drizzleCache(cache, { strategy: 'all', database: `pg-${crypto.randomUUID()}`, ttlSeconds: 3600 })
      const db = drizzle({ client: kv.pg(pool), cache: kv })
      const readNotes = () => db.select({ what: notes.what }).from(notes).orderBy(notes.id)
      const promote = (role: string) => db.update(members).set({ role }).where(and(eq(members.orgId, 10), eq(members.userId, 2)))
      expect(await readNotes()).toStrictEqual([])
      // The migration: the catalog this isolate read does not have it yet.
      await pool.query(`CREATE FUNCTION ${s}.note_role_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO ${s}.notes (what) VALUES ('role changed'); RETURN NEW; END $$`)
      await pool.query(`CREATE TRIGGER members_note AFTER UPDATE ON ${s}.members FOR EACH ROW EXECUTE FUNCTION ${s}.note_role_trigger()`)
      await promote('editor')
      // Within the catalog's age, the trigger's write is not known: the cached read is stale.
      expect(await readNotes()).toStrictEqual([])
      vi.setSystemTime(Date.now() + 301_000)
      expect(await readNotes()).toStrictEqual([])
      await promote('admin')
      expect(await readNotes()).toStrictEqual([{ what: 'role changed' }, { what: 'role changed' }])
    } finally {
      vi.useRealTimers()
      await pool.query(`DROP TRIGGER IF EXISTS members_note ON ${s}.members`)
      await pool.query(`DROP TABLE IF EXISTS ${s}.notes`)
    }
  })
})
