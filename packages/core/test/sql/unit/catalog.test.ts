import { describe, expect, it } from 'vitest'
import { deferred, manualClock } from '../../../src/testing'
import { catalogFacts, createCatalog, createCatalogCache, mergeCatalogs, reachOf, sqliteTrigger, type Catalog } from '../../../src/sql'

describe('createCatalog', () => {
  it('canonicalises names and resolves views through views (cycles stop)', () => {
    const catalog = createCatalog({
      tables: [{ name: '"Public"."Users"', primaryKey: ['id'] }],
      views: [
        { name: 'a', reads: ['b', 'users'] },
        { name: 'b', reads: ['"App"."Posts"', 'a'] },
      ],
    })
    expect([...catalog.tables.keys()]).toStrictEqual(['users'])
    expect([...(catalog.views.get('a') ?? [])].sort()).toStrictEqual(['app.posts', 'users'])
    expect([...(catalog.views.get('b') ?? [])].sort()).toStrictEqual(['app.posts', 'users'])
    expect(catalog.complete).toBe(false)
  })

  it('merges: the first primary key wins, views and triggers add up, the search path introspection found is kept, complete if any is', () => {
    const declared = createCatalog({ tables: [{ name: 'users', primaryKey: ['id'] }], views: [{ name: 'v', reads: ['users'] }] })
    const found = createCatalog({
      complete: true,
      searchPath: ['app', 'public'],
      tables: [
        { name: 'users', primaryKey: ['uuid'] },
        { name: 'posts', primaryKey: ['id'] },
      ],
      views: [{ name: 'v', reads: ['posts'] }],
      triggers: [{ name: 't', table: 'users', events: ['delete'], writes: [{ table: 'posts', event: 'delete' }] }],
    })
    const merged = mergeCatalogs(declared, undefined, found)
    expect(merged.tables.get('users')?.primaryKey).toStrictEqual(['id'])
    expect(merged.tables.get('posts')?.primaryKey).toStrictEqual(['id'])
    expect([...(merged.views.get('v') ?? [])].sort()).toStrictEqual(['posts', 'users'])
    expect(merged.triggers).toHaveLength(1)
    expect(merged.searchPath).toStrictEqual(['app', 'public'])
    expect(catalogFacts(merged).searchPath).toStrictEqual(['app', 'public'])
    expect(merged.complete).toBe(true)
  })
})

describe('reachOf: cascades and triggers, transitively', () => {
  const catalog = createCatalog({
    tables: ['a', 'b', 'c', 'd', 'p', 'p_2026'].map((name) => ({ name, primaryKey: ['id'] })),
    foreignKeys: [
      { table: 'b', references: 'a', onDelete: 'cascade', onUpdate: 'cascade' },
      { table: 'c', references: 'b', onDelete: 'set null' },
    ],
    triggers: [{ name: 'c_to_d', table: 'c', events: ['update'], writes: [{ table: 'd', event: 'insert' }] }],
    inherits: [{ child: 'p_2026', parent: 'p' }],
  })
  const reach = (table: string, event: 'insert' | 'update' | 'delete' | 'truncate') => [...reachOf(catalog, [{ table, event }]).tables].sort()

  it('follows the statement: deletes through ON DELETE, updates through ON UPDATE, inserts nowhere', () => {
    // a deleted -> b deleted (cascade) -> c updated (set null) -> its update trigger inserts into d.
    expect(reach('a', 'delete')).toStrictEqual(['b', 'c', 'd'])
    expect(reach('a', 'update')).toStrictEqual(['b'])
    expect(reach('a', 'insert')).toStrictEqual([])
    expect(reach('a', 'truncate')).toStrictEqual(['b', 'c'])
  })

  it('partitions reach their parent and the parent its partitions', () => {
    expect(reach('p_2026', 'insert')).toStrictEqual(['p', 'p_2026'])
    expect(reach('p', 'delete')).toStrictEqual(['p', 'p_2026'])
  })

  it('without a catalog, nothing is reached', () => {
    expect(reachOf(undefined, [{ table: 'a', event: 'delete' }])).toStrictEqual({ tables: new Set(), unknown: false })
  })
})

describe('sqliteTrigger', () => {
  it('reads the events and the tables the body writes', () => {
    const trigger = sqliteTrigger(
      'log',
      'users',
      `CREATE TRIGGER IF NOT EXISTS log AFTER UPDATE OF name, email ON users FOR EACH ROW WHEN old.name <> new.name
       BEGIN
         INSERT INTO audit (what) VALUES ('update users set x'); -- a string, not a write
         UPDATE counters SET n = CASE WHEN n IS NULL THEN 1 ELSE n + 1 END WHERE id = 1;
         DELETE FROM "Stale";
       END`,
    )
    expect(trigger.events).toStrictEqual(['update'])
    expect(trigger.writes.map((write) => `${write.table}:${write.event}`)).toStrictEqual(['audit:insert', 'counters:update', 'stale:delete'])
    expect(trigger.writesUnknown).toBeUndefined()
  })

  it('an INSTEAD OF trigger on a view, and a body it cannot find', () => {
    expect(sqliteTrigger('v', 'v', 'CREATE TRIGGER v INSTEAD OF DELETE ON v BEGIN DELETE FROM t WHERE id = old.id; END').writes).toStrictEqual([
      { table: 't', event: 'delete' },
    ])
    expect(sqliteTrigger('x', 't', 'CREATE TRIGGER x AFTER INSERT ON t').writesUnknown).toBe(true)
  })
})

describe('catalog cache: lazy, one introspection at a time, refresh, failure', () => {
  const catalog = createCatalog({ tables: [{ name: 't', primaryKey: ['id'] }], complete: true })

  it('shares one introspection among concurrent callers and keeps its result', async () => {
    const cache = createCatalogCache()
    const gate = deferred<Catalog>()
    let loads = 0
    const load = () => {
      loads++
      return gate.promise
    }
    const first = cache.get('db', load)
    const second = cache.get('db', load)
    expect(cache.peek('db')).toBeUndefined()
    gate.resolve(catalog)
    expect((await first).catalog).toBe(catalog)
    expect((await second).catalog).toBe(catalog)
    expect((await cache.get('db', load)).catalog).toBe(catalog)
    expect(loads).toBe(1)
  })

  it('keys by string and by object; refresh forgets, and a load started before it is dropped', async () => {
    const cache = createCatalogCache()
    const driver = {}
    const other = createCatalog({ tables: [{ name: 'u', primaryKey: [] }] })
    await cache.get(driver, async () => catalog)
    expect(cache.peek(driver)).toBe(catalog)
    expect(cache.peek('db')).toBeUndefined()
    const stale = deferred<Catalog>()
    const inFlight = cache.get('db', () => stale.promise)
    cache.refresh('db')
    stale.resolve(catalog)
    await inFlight
    expect(cache.peek('db')).toBeUndefined()
    expect((await cache.get('db', async () => other)).catalog).toBe(other)
    cache.refresh(driver)
    expect(cache.peek(driver)).toBeUndefined()
  })

  it('a failure answers "no catalog" (reported once), is not retried at once, and is retried later', async () => {
    const clock = manualClock()
    const cache = createCatalogCache({ retryAfterMs: 30_000, now: clock.now })
    let loads = 0
    const failing = async () => {
      loads++
      throw new Error('no permission')
    }
    const first = await cache.get('db', failing)
    const second = await cache.get('db', failing)
    expect(first).toMatchObject({ catalog: undefined, firstReport: true, error: expect.objectContaining({ message: 'no permission' }) })
    expect(second).toMatchObject({ catalog: undefined, firstReport: false })
    expect(loads).toBe(1)
    clock.advanceSeconds(31)
    expect((await cache.get('db', async () => catalog)).catalog).toBe(catalog)
  })

  it('a slow introspection times out for the caller, and its result is kept when it arrives', async () => {
    const cache = createCatalogCache({ timeoutMs: 1 })
    const slow = deferred<Catalog>()
    const answer = await cache.get('db', () => slow.promise)
    expect(answer).toMatchObject({ catalog: undefined, firstReport: true })
    slow.resolve(catalog)
    // The next caller joins the same introspection (now settled within microtasks, before any timer).
    const unused = () => Promise.reject(new Error('a second introspection started'))
    expect((await cache.get('db', unused)).catalog).toBe(catalog)
    expect(cache.peek('db')).toBe(catalog)
  })

  it('reads an old catalog again (a migration run elsewhere); the old one serves meanwhile and when the new read fails', async () => {
    const clock = manualClock(1_000)
    const cache = createCatalogCache({ maxAgeMs: 60_000, retryAfterMs: 10_000, now: clock.now })
    const before = createCatalog({ tables: [{ name: 'users', primaryKey: ['id'] }] })
    const after = createCatalog({
      tables: [{ name: 'users', primaryKey: ['id'] }],
      triggers: [{ name: 't', table: 'users', events: ['update'], writes: [{ table: 'audit', event: 'insert' }] }],
    })
    let loads = 0
    const loadOf = (catalog: Catalog) => async () => {
      loads++
      return catalog
    }
    expect(await cache.get('db', loadOf(before))).toStrictEqual({ catalog: before })
    clock.advanceSeconds(59.999)
    expect(await cache.get('db', loadOf(after))).toStrictEqual({ catalog: before })
    expect(loads).toBe(1)
    clock.advanceSeconds(0.001)
    // Old: this caller waits for the new read; a caller arriving during it keeps the old catalog.
    const gate = deferred<Catalog>()
    const rereading = cache.get('db', () => {
      loads++
      return gate.promise
    })
    expect(await cache.get('db', loadOf(after))).toStrictEqual({ catalog: before })
    gate.resolve(after)
    expect(await rereading).toStrictEqual({ catalog: after })
    expect(cache.peek('db')).toBe(after)
    expect(loads).toBe(2)
    // A failing read keeps the old catalog, is not retried at once, and is retried later.
    clock.advanceSeconds(60)
    const failing = async (): Promise<Catalog> => {
      loads++
      throw new Error('permission denied for pg_catalog')
    }
    expect(await cache.get('db', failing)).toStrictEqual({ catalog: after })
    expect(await cache.get('db', failing)).toStrictEqual({ catalog: after })
    expect(loads).toBe(3)
    clock.advanceSeconds(10)
    expect(await cache.get('db', loadOf(before))).toStrictEqual({ catalog: before })
    expect(loads).toBe(4)
  })

  it('rejects a nonsense configuration', () => {
    expect(() => createCatalogCache({ timeoutMs: -1 })).toThrow(/timeoutMs/)
    expect(() => createCatalogCache({ maxAgeMs: 0 })).toThrow(/maxAgeMs/)
  })
})
