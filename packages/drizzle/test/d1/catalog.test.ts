// What the binding learns from D1's own catalog: triggers, views, composite keys, cascade chains.
// Each test names its database (`database`), so it gets a catalog of its own in this isolate.
import { createCache, memoryStorage, type CacheEvent } from '@kvcache/core'
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { and, eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { drizzleCache } from '../../src'
import { d1CatalogFault } from '../fault'
import { comments, posts, users } from './schema'
import { behind, DB, setup } from './setup'

const audit = sqliteTable('audit', { id: integer('id').primaryKey(), what: text('what').notNull() })
const members = sqliteTable('members', { orgId: integer('org_id').notNull(), userId: integer('user_id').notNull(), role: text('role').notNull() }, (table) => [
  primaryKey({ columns: [table.orgId, table.userId] }),
])

const unique = () => `catalog-${crypto.randomUUID()}`

async function run(...statements: string[]) {
  for (const statement of statements) await DB.prepare(statement).run()
}

async function withAuditTrigger() {
  await run(
    'DROP TABLE IF EXISTS audit',
    'CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT NOT NULL)',
    `CREATE TRIGGER users_audit AFTER UPDATE ON users BEGIN
       INSERT INTO audit (what) VALUES ('renamed ' || old.name || ' to ' || new.name);
     END`,
  )
}

describe('triggers (AFTER UPDATE ON users ... INSERT INTO audit)', () => {
  for (const withSchema of [true, false]) {
    itInvalidates(`a write that fires a trigger refreshes reads of the table it writes (${withSchema ? 'with' : 'without'} a schema)`, async () => {
      const { db, behindTheCache } = await setup({ strategy: 'all', withSchema, database: unique() })
      await withAuditTrigger()
      await expectFreshAfterWrite({
        read: () => db.select({ what: audit.what }).from(audit).orderBy(audit.id),
        direct: () => behindTheCache.select({ what: audit.what }).from(audit).orderBy(audit.id),
        changeBehind: () => behind("INSERT INTO audit (what) VALUES ('behind')"),
        write: () => db.update(users).set({ name: 'Ada L.' }).where(eq(users.id, 1)),
      })
    })
  }

  itInvalidates('a trigger created through the wrapped driver is seen at once (DDL refreshes the catalog)', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all', database: unique() })
    await run('DROP TABLE IF EXISTS audit', 'CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT NOT NULL)')
    await expectFreshAfterWrite({
      read: () => db.select({ what: audit.what }).from(audit).orderBy(audit.id),
      direct: () => behindTheCache.select({ what: audit.what }).from(audit).orderBy(audit.id),
      changeBehind: () => behind("INSERT INTO audit (what) VALUES ('behind')"),
      write: async () => {
        await db.run(sql`CREATE TRIGGER users_audit AFTER UPDATE ON users BEGIN INSERT INTO audit (what) VALUES (new.name); END`)
        await db.update(users).set({ name: 'Grace H.' }).where(eq(users.id, 2))
      },
    })
  })
})

describe('views, learned from the database', () => {
  itInvalidates('a view the catalog finds is cached and invalidated through its tables, undeclared', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all', views: {}, database: unique() })
    const query = (on: typeof db) => on.all<{ author: string }>(sql`select author from published_titles order by id`)
    await expectFreshAfterWrite({
      read: () => query(db),
      direct: () => query(behindTheCache),
      changeBehind: () => behind("UPDATE users SET name = 'Behind' WHERE id = 2"),
      write: () => db.update(users).set({ name: 'Ada Lovelace' }).where(eq(users.id, 1)),
    })
  })
})

describe('cascade chains and composite keys, learned from the database', () => {
  itInvalidates('ON DELETE CASCADE through two levels, without a schema', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all', withSchema: false, database: unique() })
    await run('PRAGMA foreign_keys = ON')
    await expectFreshAfterWrite({
      read: () => db.select({ body: comments.body }).from(comments),
      direct: () => behindTheCache.select({ body: comments.body }).from(comments),
      changeBehind: () => behind("UPDATE comments SET body = 'behind'"),
      // users -> posts -> comments: the delete reaches comments two foreign keys away.
      write: () => db.delete(users).where(eq(users.id, 1)),
    })
  })

  itInvalidates('a composite primary key gives row scopes: writing one row keeps by-key reads of the others', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all', withSchema: false, database: unique() })
    await run(
      'DROP TABLE IF EXISTS members',
      'CREATE TABLE members (user_id INTEGER NOT NULL, org_id INTEGER NOT NULL, role TEXT NOT NULL, PRIMARY KEY (org_id, user_id))',
      "INSERT INTO members VALUES (1, 10, 'owner'), (2, 10, 'reader')",
    )
    const role = (on: typeof db, orgId: number, userId: number) =>
      on
        .select({ role: members.role })
        .from(members)
        .where(and(eq(members.orgId, orgId), eq(members.userId, userId)))
    const other = await role(db, 10, 2)
    await expectFreshAfterWrite({
      read: () => role(db, 10, 1),
      direct: () => role(behindTheCache, 10, 1),
      changeBehind: () => behind("UPDATE members SET role = 'behind'"),
      write: () =>
        db
          .update(members)
          .set({ role: 'admin' })
          .where(and(eq(members.orgId, 10), eq(members.userId, 1))),
    })
    // Row (10, 2) was not written through the cache: still the cached value (on drizzle-orm 1.0 too, whose and() reads `((a = ?) and (b = ?))`).
    expect(await role(db, 10, 2)).toStrictEqual(other)
    await db.update(members).set({ role: 'gone' }).where(eq(members.orgId, 10))
    expect([await role(db, 10, 1), await role(db, 10, 2)]).toStrictEqual([[{ role: 'gone' }], [{ role: 'gone' }]])
  })
})

describe('when the catalog cannot be read', () => {
  itInvalidates('queries still run, writes still invalidate their tables, and one degraded event says why', async () => {
    const { db, behindTheCache, events } = await setup({ strategy: 'all', database: unique(), driver: d1CatalogFault })
    await expectFreshAfterWrite({
      read: () => db.select({ name: users.name }).from(users).orderBy(users.id),
      direct: () => behindTheCache.select({ name: users.name }).from(users).orderBy(users.id),
      changeBehind: () => behind("UPDATE users SET name = 'behind' WHERE id = 2"),
      write: () => db.update(users).set({ name: 'Ada L.' }).where(eq(users.id, 1)),
    })
    const degraded = events.filter((event): event is Extract<CacheEvent, { type: 'degraded' }> => event.type === 'degraded')
    expect(degraded).toHaveLength(1)
    expect(degraded[0]).toMatchObject({
      source: 'drizzle',
      detail: expect.stringMatching(/catalog/),
      error: expect.objectContaining({ message: 'injected catalog failure' }),
    })
  })
})

// Finding 7: setups that cache nothing are reported as `misconfigured` events, or, when nobody
// listens, written to the console once per isolate.
describe('misconfiguration is loud', () => {
  afterEach(() => vi.restoreAllMocks())
  const misconfigured = (events: CacheEvent[]) =>
    events.filter((event): event is Extract<CacheEvent, { type: 'misconfigured' }> => event.type === 'misconfigured')

  it('a driver that was not wrapped: one event saying what to change, instead of silently caching nothing', async () => {
    const events: CacheEvent[] = []
    const kv = drizzleCache(createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) }))
    const db = drizzle(DB, { cache: kv })
    await run("UPDATE users SET name = 'Ada' WHERE id = 1")
    const read = () => db.select({ name: users.name }).from(users).where(eq(users.id, 1)).$withCache()
    expect(await read()).toStrictEqual([{ name: 'Ada' }])
    await run("UPDATE users SET name = 'Changed' WHERE id = 1")
    // Nothing was cached: the change is visible, and the reason is reported once.
    expect(await read()).toStrictEqual([{ name: 'Changed' }])
    expect(misconfigured(events)).toStrictEqual([
      {
        type: 'misconfigured',
        source: 'drizzle',
        problem: expect.stringMatching(/not a wrapped driver/),
        fix: expect.stringContaining('drizzle(kv.d1(env.DB), { cache: kv })'),
      },
    ])
    expect(events.filter((event) => event.type === 'skip')).toStrictEqual([])
  })

  it('a driver that was not wrapped, nobody listening: one console warning per isolate', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    // A cache of its own (and so an isolate of its own): its warnings are its own.
    const cache = createCache({ storage: memoryStorage() })
    for (let request = 0; request < 3; request++) {
      const db = drizzle(DB, { cache: drizzleCache(cache.withContext({})) })
      await db.select().from(users).$withCache()
    }
    const warnings = warn.mock.calls.map((call) => String(call[0])).filter((message) => message.includes('[drizzle]'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/not a wrapped driver.*Fix: Wrap the driver/)
  })

  it("a wrapped driver whose Drizzle was not given the cache, with strategy 'explicit': reported once", async () => {
    const events: CacheEvent[] = []
    const kv = drizzleCache(createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) }), { database: unique() })
    const db = drizzle(kv.d1(DB))
    await db.select().from(users)
    await db.select().from(posts)
    expect(misconfigured(events)).toStrictEqual([
      {
        type: 'misconfigured',
        source: 'drizzle',
        problem: expect.stringMatching(/Drizzle was not given this cache/),
        fix: expect.stringContaining('{ cache: kv }'),
      },
    ])
  })

  it('the same, nobody listening: one console warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const cache = createCache({ storage: memoryStorage() })
    for (let request = 0; request < 3; request++) {
      const db = drizzle(drizzleCache(cache.withContext({}), { database: 'one' }).d1(DB))
      await db.select().from(users)
    }
    const warnings = warn.mock.calls.map((call) => String(call[0])).filter((message) => message.includes('[drizzle]'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/Drizzle was not given this cache/)
  })

  it('is not reported when the driver is wrapped and Drizzle has the cache', async () => {
    const { db, events } = await setup({ database: unique() })
    await db.select().from(users).$withCache()
    await db.select().from(posts)
    expect(misconfigured(events)).toStrictEqual([])
  })
})
