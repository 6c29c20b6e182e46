// The runtime every ORM binding shares, against real D1 databases (miniflare, inside workerd).
import { env } from 'cloudflare:workers'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createCache, isKvCacheError, memoryStorage, type CacheEvent } from '../../../src'
import { changeScopes, claimDatabase, createBindingRuntime, identityOf } from '../../../src/binding'
import { introspectSqlite, planStatement, type RunQuery } from '../../../src/sql'

const { DB, DB2 } = env as unknown as { DB: D1Database; DB2: D1Database }
const runOn =
  (database: D1Database): RunQuery =>
  async (sql) =>
    (await database.prepare(sql).all<Record<string, unknown>>()).results

beforeEach(async () => {
  for (const database of [DB, DB2]) {
    for (const statement of ['DROP TABLE IF EXISTS codes', 'DROP TABLE IF EXISTS created_later', 'CREATE TABLE codes (code TEXT PRIMARY KEY, label TEXT)']) {
      await database.prepare(statement).run()
    }
  }
})

afterEach(() => vi.restoreAllMocks())

function setup(options: object = {}) {
  const events: CacheEvent[] = []
  const cache = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) })
  return { cache, events, runtime: createBindingRuntime({ cache, binding: 'test', options }) }
}

describe('database identity', () => {
  it('two D1 databases under one name in one cache fail fast, naming the option', () => {
    const { cache } = setup()
    expect(claimDatabase(cache, { binding: 'drizzle', handle: DB })).toBe('default')
    // The same database again (another request, a session of it) is fine.
    expect(claimDatabase(cache.withContext({}), { binding: 'drizzle', handle: DB })).toBe('default')
    expect(claimDatabase(cache, { binding: 'drizzle', handle: DB.withSession('first-unconstrained') })).toBe('default')
    let error: unknown
    try {
      claimDatabase(cache.withContext({ tenant: 'other' }), { binding: 'drizzle', handle: DB2 })
    } catch (caught) {
      error = caught
    }
    expect(isKvCacheError(error, 'DATABASE_CONFLICT')).toBe(true)
    expect(String(error)).toContain('`database` option')
    // Named apart, both are fine.
    expect(claimDatabase(cache, { binding: 'drizzle', name: 'tenant-2', handle: DB2 })).toBe('tenant-2')
    // A name first used for DB cannot then be used for DB2.
    expect(() => claimDatabase(cache, { binding: 'drizzle', name: 'tenant-2', handle: DB })).toThrow(/tenant-2/)
  })

  it('each cache keeps its own claims; each binding too', () => {
    expect(claimDatabase(setup().cache, { binding: 'drizzle', handle: DB })).toBe('default')
    expect(claimDatabase(setup().cache, { binding: 'drizzle', handle: DB2 })).toBe('default')
    const { cache } = setup()
    claimDatabase(cache, { binding: 'drizzle', handle: DB })
    expect(claimDatabase(cache, { binding: 'kysely', handle: DB2 })).toBe('default')
  })

  it('PostgreSQL and libSQL identities are derived from where the driver connects', () => {
    expect(identityOf({ options: { connectionString: 'postgres://app@db.example:6543/shop' } })).toStrictEqual({ text: 'postgres://app@db.example:6543/shop' })
    expect(identityOf({ connectionParameters: { user: 'u', host: 'h', port: 5432, database: 'd' } })).toStrictEqual({ text: 'postgres://u@h:5432/d' })
    expect(identityOf({ config: { url: 'libsql://acme.turso.io' } })).toStrictEqual({ text: 'libsql://acme.turso.io' })
    const memory = { config: { url: ':memory:' } }
    expect(identityOf(memory)).toStrictEqual({ object: memory })
    const { cache } = setup()
    expect(claimDatabase(cache, { binding: 'kysely', handle: { options: { connectionString: 'postgres://a@h:5432/one' } } })).toBe('postgres://a@h:5432/one')
    expect(claimDatabase(cache, { binding: 'kysely', handle: { options: { connectionString: 'postgres://a@h:5432/two' } } })).toBe('postgres://a@h:5432/two')
    expect(() => claimDatabase(cache, { binding: 'kysely', name: 'main', handle: { options: { connectionString: 'postgres://a@h:5432/one' } } })).not.toThrow()
    expect(() => claimDatabase(cache, { binding: 'kysely', name: 'main', handle: { options: { connectionString: 'postgres://a@h:5432/two' } } })).toThrow(
      /main/,
    )
  })

  it('keys reads by database: two D1 databases named apart never answer for each other', async () => {
    const { cache } = setup()
    await DB.prepare("INSERT INTO codes VALUES ('a', 'from DB')").run()
    await DB2.prepare("INSERT INTO codes VALUES ('a', 'from DB2')").run()
    const read = (database: D1Database, name: string) => {
      const runtime = createBindingRuntime({ cache, binding: 'test', options: { database: name } })
      runtime.attach({ handle: database, dialect: 'sqlite', run: runOn(database), introspect: introspectSqlite })
      const sql = 'select label from codes where code = ?'
      return runtime.read(
        { material: { sql, params: ['a'] }, scopes: [] },
        async () => (await database.prepare(sql).bind('a').first<{ label: string }>())?.label,
      )
    }
    expect(await read(DB, 'one')).toBe('from DB')
    expect(await read(DB2, 'two')).toBe('from DB2')
    await DB.prepare("UPDATE codes SET label = 'changed behind the cache'").run()
    // Served from the cache (the database changed behind it), each from its own entry.
    expect(await read(DB, 'one')).toBe('from DB')
    expect(await read(DB2, 'two')).toBe('from DB2')
  })
})

describe('key types from the catalog', () => {
  it('a text key that looks like a number: a raw write and a by-key read meet', async () => {
    const { runtime } = setup()
    runtime.attach({ handle: DB, dialect: 'sqlite', run: runOn(DB), introspect: introspectSqlite })
    const catalog = await runtime.catalog.current({ wait: true })
    expect(catalog?.tables.get('codes')?.keyTypes).toStrictEqual(['text'])
    const read = planStatement({ sql: 'select * from codes where code = ?', params: ['123'], dialect: 'sqlite' }, { catalog })
    for (const write of ["update codes set label = 'x' where code = '123'", 'update codes set label = ? where code = ?']) {
      const plan = planStatement({ sql: write, params: ['x', '123'], dialect: 'sqlite' }, { catalog })
      if (read.type !== 'read' || plan.type !== 'write') throw new Error('unexpected plans')
      expect(
        read.scopes.some((scope) => plan.scopes.includes(scope)),
        write,
      ).toBe(true)
    }
  })
})

describe('manual invalidation through a binding', () => {
  it('an unknown table fails fast naming the nearest one; a table created since is found after one re-read', async () => {
    const { runtime, events } = setup()
    runtime.attach({ handle: DB, dialect: 'sqlite', run: runOn(DB), introspect: introspectSqlite })
    await expect(runtime.invalidate({ tables: ['code'] })).rejects.toThrow(/no such table or view\. Did you mean `codes`\?/)
    await DB.prepare('CREATE TABLE created_later (id INTEGER PRIMARY KEY)').run()
    await runtime.invalidate({ tables: ['created_later'] })
    expect(events.filter((event) => event.type === 'invalidate')).toHaveLength(1)
  })

  it('without a complete catalog, any table is bumped (the database cannot be asked)', async () => {
    const { runtime, events } = setup()
    await runtime.invalidate({ tables: ['anything'], tags: ['feed'] })
    const bumped = events.find((event) => event.type === 'invalidate')
    expect(bumped?.type === 'invalidate' && bumped.scopes).toStrictEqual([':bulk:anything', ':table:anything', ':tag:feed'])
  })
})

describe('a statement the planner cannot read', () => {
  it('runs uncached; unless it is certainly a read, every cached read is invalidated after it', async () => {
    const { runtime, events } = setup()
    const broken = { operation: { kind: 'write', writes: 5 } } as never
    expect(await runtime.plan(broken, { wait: true })).toStrictEqual({ type: 'write', scopes: ['table:*'], tables: [], schemaChanged: false })
    const brokenRead = { operation: { kind: 'read', reads: 5 } } as never
    expect((await runtime.plan(brokenRead, { wait: true })).type).toBe('bypass')
    expect(events.filter((event) => event.type === 'degraded')).toHaveLength(2)
  })
})

describe('loud misconfiguration', () => {
  it('without onEvent, each problem is written to the console once per isolate; with one, only delivered', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const quiet = createBindingRuntime({ cache: createCache({ storage: memoryStorage() }), binding: 'drizzle', options: {} })
    quiet.misconfigured('Drizzle was given the cache but not a wrapped driver.', 'Wrap the driver: drizzle(kv.d1(env.DB), { cache: kv }).')
    quiet.misconfigured('Drizzle was given the cache but not a wrapped driver.', 'Wrap the driver: drizzle(kv.d1(env.DB), { cache: kv }).')
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]?.[0])).toContain('Fix: Wrap the driver')
    // Runtime skips stay quiet.
    quiet.bypass('inside a transaction')
    expect(warn).toHaveBeenCalledTimes(1)
    const { runtime, events } = setup()
    runtime.misconfigured('x', 'y')
    expect(warn).toHaveBeenCalledTimes(1)
    expect(events).toContainEqual({ type: 'misconfigured', source: 'test', problem: 'x', fix: 'y' })
  })
})

describe('one binding, one database', () => {
  it('a runtime attached to one database refuses a second (its entries carry one name); the same database again is fine', () => {
    const { runtime } = setup()
    runtime.attach({ handle: DB, dialect: 'sqlite', run: runOn(DB), introspect: introspectSqlite })
    runtime.attach({ handle: DB.withSession('first-unconstrained'), dialect: 'sqlite', run: runOn(DB), introspect: introspectSqlite })
    expect(() => runtime.attach({ handle: DB2, dialect: 'sqlite', run: runOn(DB2), introspect: introspectSqlite })).toThrow(/already serves/)
    const pg = createBindingRuntime({ cache: setup().cache, binding: 'test', options: {} })
    pg.attach({ handle: { options: { connectionString: 'postgres://a@h:5432/one' } }, dialect: 'postgres', run: runOn(DB), introspect: introspectSqlite })
    expect(() =>
      pg.attach({ handle: { options: { connectionString: 'postgres://a@h:5432/two' } }, dialect: 'postgres', run: runOn(DB), introspect: introspectSqlite }),
    ).toThrow(/DATABASE_CONFLICT|already serves/)
  })

  it('two caches on one D1 database share its catalog; two D1 databases never do', async () => {
    await DB2.prepare('CREATE TABLE only_in_two (id INTEGER PRIMARY KEY)').run()
    const first = setup().runtime
    const second = setup().runtime
    first.attach({ handle: DB, dialect: 'sqlite', run: runOn(DB), introspect: introspectSqlite })
    second.attach({ handle: DB2, dialect: 'sqlite', run: runOn(DB2), introspect: introspectSqlite })
    expect((await first.catalog.current({ wait: true }))?.tables.has('only_in_two')).toBe(false)
    expect((await second.catalog.current({ wait: true }))?.tables.has('only_in_two')).toBe(true)
    await DB2.prepare('DROP TABLE only_in_two').run()
  })
})

describe('publishing a write with a bookmark', () => {
  it('a bookmark that cannot be stored (any shape a driver might hand over) still invalidates: the read after it is fresh', async () => {
    for (const bookmark of ['x'.repeat(300), 'a b', '\ud800', '', 'bookmark\n']) {
      const { runtime } = setup()
      let row = 'v0'
      const read = () => runtime.read({ material: ['codes', 1], scopes: changeScopes([{ kind: 'table', table: 'codes' }]) }, async () => row)
      expect(await read()).toBe('v0')
      row = 'v0 behind the cache'
      expect(await read()).toBe('v0')
      row = 'v1'
      await runtime.publish(changeScopes([{ kind: 'table', table: 'codes' }]), undefined, bookmark)
      expect(await read(), JSON.stringify(bookmark)).toBe('v1')
    }
  })
})
