// What the binding learns from PostgreSQL's own catalog: triggers (PL/pgSQL bodies), views,
// composite keys, cascade chains. A schema of its own per run; no Drizzle schema given to the cache.
import { createCache, memoryStorage, type CacheEvent } from '@kvcache/core'
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { and, eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import { integer, pgSchema, primaryKey, serial, text } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe, expect, vi } from 'vitest'
// Through @kvcache/drizzle/pg, the PostgreSQL-only entry (test/pg/pg.test.ts covers the root one).
import { drizzleCache } from '../../src/pg'

const schemaName = `kvc_cat_${Math.random().toString(36).slice(2, 10)}`
const app = pgSchema(schemaName)
const users = app.table('users', { id: integer('id').primaryKey(), name: text('name').notNull() })
const audit = app.table('audit', { id: serial('id').primaryKey(), what: text('what').notNull() })
const posts = app.table('posts', { id: integer('id').primaryKey(), authorId: integer('author_id').notNull(), title: text('title').notNull() })
const comments = app.table('comments', { id: integer('id').primaryKey(), postId: integer('post_id'), body: text('body').notNull() })
const members = app.table('members', { orgId: integer('org_id').notNull(), userId: integer('user_id').notNull(), role: text('role').notNull() }, (table) => [
  primaryKey({ columns: [table.orgId, table.userId] }),
])

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

const behind = (statement: string) => pool.query(statement.replaceAll('@.', `${s}.`))

describe('PostgreSQL catalog through Drizzle (no schema given)', () => {
  itInvalidates('a write that fires a trigger refreshes reads of the table its function writes', async () => {
    const { db, behindTheCache } = setup()
    await expectFreshAfterWrite({
      read: () => db.select({ what: audit.what }).from(audit).orderBy(audit.id),
      direct: () => behindTheCache.select({ what: audit.what }).from(audit).orderBy(audit.id),
      changeBehind: () => behind("INSERT INTO @.audit (what) VALUES ('behind')"),
      write: () => db.update(users).set({ name: 'Ada L.' }).where(eq(users.id, 1)),
    })
  })

  itInvalidates('the trigger inside a transaction: published on commit', async () => {
    const { db, behindTheCache } = setup()
    await expectFreshAfterWrite({
      read: () => db.select({ what: audit.what }).from(audit).orderBy(audit.id),
      direct: () => behindTheCache.select({ what: audit.what }).from(audit).orderBy(audit.id),
      changeBehind: () => behind("INSERT INTO @.audit (what) VALUES ('behind')"),
      write: () =>
        db.transaction(async (tx) => {
          await tx.update(users).set({ name: 'Grace H.' }).where(eq(users.id, 2))
        }),
    })
  })

  itInvalidates('a view is read through the tables it depends on', async () => {
    const { db, behindTheCache } = setup()
    const query = async (on: typeof db) =>
      (await on.execute<{ author: string }>(sql.raw(`select author from ${s}.bylines order by id`))).rows.map((row) => row.author)
    await expectFreshAfterWrite({
      read: () => query(db),
      direct: () => query(behindTheCache),
      changeBehind: () => behind("UPDATE @.users SET name = 'Behind' WHERE id = 2"),
      write: () => db.update(users).set({ name: 'Ada L.' }).where(eq(users.id, 1)),
    })
  })

  itInvalidates('ON DELETE CASCADE through two levels', async () => {
    const { db, behindTheCache } = setup()
    await expectFreshAfterWrite({
      read: () => db.select({ body: comments.body }).from(comments),
      direct: () => behindTheCache.select({ body: comments.body }).from(comments),
      changeBehind: () => behind("UPDATE @.comments SET body = 'behind'"),
      write: () => db.delete(users).where(eq(users.id, 1)),
    })
  })

  itInvalidates('a composite primary key gives row scopes', async () => {
    const { db, behindTheCache } = setup()
    const role = (on: typeof db, orgId: number, userId: number) =>
      on
        .select({ role: members.role })
        .from(members)
        .where(and(eq(members.orgId, orgId), eq(members.userId, userId)))
    const other = await role(db, 10, 2)
    await expectFreshAfterWrite({
      read: () => role(db, 10, 1),
      direct: () => role(behindTheCache, 10, 1),
      changeBehind: () => behind("UPDATE @.members SET role = 'behind'"),
      write: () =>
        db
          .update(members)
          .set({ role: 'admin' })
          .where(and(eq(members.orgId, 10), eq(members.userId, 1))),
    })
    // Row (10, 2) was only changed behind the cache: still the cached value (on drizzle-orm 1.0 too, whose and() reads `((a = ?) and (b = ?))`).
    expect(await role(db, 10, 2)).toStrictEqual(other)
    await db.update(members).set({ role: 'gone' }).where(eq(members.orgId, 10))
    expect([await role(db, 10, 1), await role(db, 10, 2)]).toStrictEqual([[{ role: 'gone' }], [{ role: 'gone' }]])
  })

  itInvalidates('reads posts by id with row scopes (primary keys from the catalog)', async () => {
    const { db, behindTheCache } = setup()
    const title = (on: typeof db, id: number) => on.select({ title: posts.title }).from(posts).where(eq(posts.id, id))
    const other = await title(db, 2)
    await expectFreshAfterWrite({
      read: () => title(db, 1),
      direct: () => title(behindTheCache, 1),
      changeBehind: () => behind("UPDATE @.posts SET title = 'behind'"),
      write: () => db.update(posts).set({ title: 'One' }).where(eq(posts.id, 1)),
    })
    expect(await title(db, 2)).toStrictEqual(other)
  })
})

describe('a migration run elsewhere', () => {
  itInvalidates('a trigger added behind the app is followed once the catalog is older than five minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      await pool.query(`CREATE TABLE ${s}.notes (id serial PRIMARY KEY, what text NOT NULL)`)
      const notes = app.table('notes', { id: serial('id').primaryKey(), what: text('what').notNull() })
      const cache = createCache({ storage: memoryStorage() })
      const kv = drizzleCache(cache, { strategy: 'all', database: `pg-${crypto.randomUUID()}`, ttlSeconds: 3600 })
      const db = drizzle({ client: kv.pg(pool), cache: kv })
      const promote = (role: string) =>
        db
          .update(members)
          .set({ role })
          .where(and(eq(members.orgId, 10), eq(members.userId, 2)))
      await expectFreshAfterWrite({
        read: () => db.select({ what: notes.what }).from(notes).orderBy(notes.id),
        direct: () => drizzle({ client: pool }).select({ what: notes.what }).from(notes).orderBy(notes.id),
        // The migration, then a write through the app: the catalog this isolate read does not
        // have the trigger yet, so within its age the read is served stale (documented).
        changeBehind: async () => {
          await pool.query(
            `CREATE FUNCTION ${s}.note_role_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO ${s}.notes (what) VALUES ('role changed'); RETURN NEW; END $$`,
          )
          await pool.query(`CREATE TRIGGER members_note AFTER UPDATE ON ${s}.members FOR EACH ROW EXECUTE FUNCTION ${s}.note_role_trigger()`)
          await promote('editor')
        },
        write: async () => {
          vi.setSystemTime(Date.now() + 301_000)
          await promote('admin')
        },
      })
    } finally {
      vi.useRealTimers()
      await pool.query(`DROP TRIGGER IF EXISTS members_note ON ${s}.members`)
      await pool.query(`DROP TABLE IF EXISTS ${s}.notes`)
    }
  })
})
