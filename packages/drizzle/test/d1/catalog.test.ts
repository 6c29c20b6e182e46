// What the binding learns from D1's own catalog: triggers, views, composite keys, cascade chains.
// Each test names its database (`database`), so it gets a catalog of its own in this isolate.
import { createCache, memoryStorage, type CacheEvent } from '@kvcache/core'
import { and, eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { describe, expect, it } from 'vitest'
import { drizzleCache } from '../../src'
import { d1CatalogFault } from '../fault'
import { comments, users } from './schema'
import { DB, setup } from './setup'

const audit = sqliteTable('audit', { id: integer('id').primaryKey(), what: text('what').notNull() })
const members = sqliteTable(
  'members',
  { orgId: integer('org_id').notNull(), userId: integer('user_id').notNull(), role: text('role').notNull() },
  (table) => [primaryKey({ columns: [table.orgId, table.userId] })],
)

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
    it(`a write that fires a trigger refreshes reads of the table it writes (${withSchema ? 'with' : 'without'} a schema)`, async () => {
      const { db, behindTheCache } = await setup({ strategy: 'all', withSchema, database: unique() })
      await withAuditTrigger()
      const readAudit = () => db.select({ what: audit.what }).from(audit).orderBy(audit.id)
      expect(await readAudit()).toStrictEqual([])
      // The read is cached: a row added behind the cache's back is not seen...
      await behindTheCache.insert(audit).values({ what: 'behind' })
      expect(await readAudit()).toStrictEqual([])
      // ...until a write through the cache fires the trigger that writes `audit`.
      await db.update(users).set({ name: 'Ada L.' }).where(eq(users.id, 1))
      expect(await readAudit()).toStrictEqual([{ what: 'behind' }, { what: 'renamed Ada to Ada L.' }])
    })
  }

  it('a trigger created through the wrapped driver is seen at once (DDL refreshes the catalog)', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all', database: unique() })
    await run('DROP TABLE IF EXISTS audit', 'CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT NOT NULL)')
    const readAudit = () => db.select({ what: audit.what }).from(audit)
    expect(await readAudit()).toStrictEqual([])
    // The read is cached: a change behind the cache's back is not seen.
    await behindTheCache.insert(audit).values({ what: 'behind' })
    expect(await readAudit()).toStrictEqual([])
    await db.run(sql`CREATE TRIGGER users_audit AFTER UPDATE ON users BEGIN INSERT INTO audit (what) VALUES (new.name); END`)
    await db.update(users).set({ name: 'Grace H.' }).where(eq(users.id, 2))
    expect(await readAudit()).toStrictEqual([{ what: 'behind' }, { what: 'Grace H.' }])
  })
})

describe('views, learned from the database', () => {
  it('a view the catalog finds is cached and invalidated through its tables, undeclared', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all', views: {}, database: unique() })
    const read = () => db.all<{ author: string }>(sql`select author from published_titles order by id`)
    expect((await read()).map((row) => row.author)).toStrictEqual(['Ada', 'Grace'])
    await behindTheCache.update(users).set({ name: 'Behind' }).where(eq(users.id, 2))
    expect((await read()).map((row) => row.author)).toStrictEqual(['Ada', 'Grace'])
    await db.update(users).set({ name: 'Ada Lovelace' }).where(eq(users.id, 1))
    expect((await read()).map((row) => row.author)).toStrictEqual(['Ada Lovelace', 'Behind'])
  })
})

describe('cascade chains and composite keys, learned from the database', () => {
  it('ON DELETE CASCADE through two levels, without a schema', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all', withSchema: false, database: unique() })
    await run('PRAGMA foreign_keys = ON')
    const readComments = () => db.select({ body: comments.body }).from(comments)
    expect(await readComments()).toStrictEqual([{ body: 'First!' }])
    await behindTheCache.update(comments).set({ body: 'behind' })
    expect(await readComments()).toStrictEqual([{ body: 'First!' }])
    // users -> posts -> comments: the delete reaches comments two foreign keys away.
    await db.delete(users).where(eq(users.id, 1))
    expect(await readComments()).toStrictEqual([])
  })

  it('a composite primary key gives row scopes: writing one row keeps by-key reads of the others', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all', withSchema: false, database: unique() })
    await run(
      'DROP TABLE IF EXISTS members',
      'CREATE TABLE members (user_id INTEGER NOT NULL, org_id INTEGER NOT NULL, role TEXT NOT NULL, PRIMARY KEY (org_id, user_id))',
      "INSERT INTO members VALUES (1, 10, 'owner'), (2, 10, 'reader')",
    )
    const role = async (orgId: number, userId: number) =>
      (await db.select({ role: members.role }).from(members).where(and(eq(members.orgId, orgId), eq(members.userId, userId))))[0]?.role
    expect([await role(10, 1), await role(10, 2)]).toStrictEqual(['owner', 'reader'])
    await behindTheCache.update(members).set({ role: 'behind' }).where(eq(members.userId, 2))
    await db.update(members).set({ role: 'admin' }).where(and(eq(members.orgId, 10), eq(members.userId, 1)))
    // Row (10, 1) is fresh; row (10, 2) was not written through the cache: still the cached value.
    expect([await role(10, 1), await role(10, 2)]).toStrictEqual(['admin', 'reader'])
    await db.update(members).set({ role: 'gone' }).where(eq(members.orgId, 10))
    expect([await role(10, 1), await role(10, 2)]).toStrictEqual(['gone', 'gone'])
  })
})

describe('when the catalog cannot be read', () => {
  it('queries still run, writes still invalidate their tables, and one degraded event says why', async () => {
    const { db, events } = await setup({ strategy: 'all', database: unique(), driver: d1CatalogFault })
    const read = () => db.select({ name: users.name }).from(users).orderBy(users.id)
    expect(await read()).toStrictEqual([{ name: 'Ada' }, { name: 'Grace' }])
    await db.update(users).set({ name: 'Ada L.' }).where(eq(users.id, 1))
    expect(await read()).toStrictEqual([{ name: 'Ada L.' }, { name: 'Grace' }])
    const degraded = events.filter((event): event is Extract<CacheEvent, { type: 'degraded' }> => event.type === 'degraded')
    expect(degraded).toHaveLength(1)
    expect(degraded[0]).toMatchObject({ source: 'drizzle', detail: expect.stringMatching(/catalog/), error: expect.objectContaining({ message: 'injected catalog failure' }) })
  })
})

describe('a driver that was not wrapped', () => {
  it('is reported once, saying what to change, instead of silently caching nothing', async () => {
    const events: CacheEvent[] = []
    const kv = drizzleCache(createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) }))
    const db = drizzle(DB, { cache: kv })
    await run("UPDATE users SET name = 'Ada' WHERE id = 1")
    const read = () => db.select({ name: users.name }).from(users).where(eq(users.id, 1)).$withCache()
    expect(await read()).toStrictEqual([{ name: 'Ada' }])
    await run("UPDATE users SET name = 'Changed' WHERE id = 1")
    // Nothing was cached: the change is visible, and the reason is reported once.
    expect(await read()).toStrictEqual([{ name: 'Changed' }])
    const skips = events.filter((event) => event.type === 'skip' && event.reason === 'not-wrapped')
    expect(skips).toHaveLength(1)
    expect(skips[0]).toMatchObject({ detail: expect.stringContaining('drizzle(kv.d1(env.DB), { cache: kv })') })
  })

  it('is not reported when the driver is wrapped', async () => {
    const { db, events } = await setup({ database: unique() })
    await db.select().from(users).$withCache()
    expect(events.filter((event) => event.type === 'skip' && event.reason === 'not-wrapped')).toStrictEqual([])
  })
})
