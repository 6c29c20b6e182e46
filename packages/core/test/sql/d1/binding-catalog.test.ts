// The catalog side every SQL binding shares, against a real D1 database (miniflare, inside workerd).
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import type { CacheEvent } from '../../../src'
import { createBindingCatalog, createCatalog, createCatalogCache, declaredViews, introspectSqlite, type RunQuery } from '../../../src/sql'

const { DB } = env as unknown as { DB: D1Database }

const run: RunQuery = async (sql) => (await DB.prepare(sql).all<Record<string, unknown>>()).results

/** Fault injection: the database refuses catalog queries. */
const refusingCatalogFault: RunQuery = async () => {
  throw new Error('not authorized: sqlite_master')
}

function setup(declared = declaredViews({ hidden_view: ['notes'] })) {
  const events: CacheEvent[] = []
  const catalogs = createCatalogCache()
  const catalog = createBindingCatalog({ cache: { report: (event) => events.push(event) }, source: 'test', declared, catalogs })
  return { catalog, events, catalogs }
}

beforeEach(async () => {
  for (const statement of ['DROP TABLE IF EXISTS notes', 'DROP TABLE IF EXISTS later', 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)']) {
    await DB.prepare(statement).run()
  }
})

describe('createBindingCatalog', () => {
  it('before a driver is attached, and while it may not wait, answers the declared facts', async () => {
    const { catalog } = setup()
    expect(await catalog.current({ wait: true })).toBe(declaredViews({ hidden_view: ['notes'] }))
    catalog.attach({ identity: 'db', dialect: 'sqlite', run, introspect: introspectSqlite })
    expect((await catalog.current({ wait: false }))?.tables.has('notes')).toBe(false)
  })

  it('merges what D1 says with what was declared', async () => {
    const { catalog } = setup()
    catalog.attach({ identity: 'db', dialect: 'sqlite', run, introspect: introspectSqlite })
    const known = await catalog.current({ wait: true })
    expect(known?.tables.get('notes')?.primaryKey).toStrictEqual(['id'])
    expect(known?.views.get('hidden_view')).toStrictEqual(['notes'])
    expect(known?.complete).toBe(true)
    // Once read, it is known without waiting, and the merge is the same object every time.
    expect(await catalog.current({ wait: false })).toBe(known)
  })

  it('refresh reads the catalog again (a table created meanwhile is seen)', async () => {
    const { catalog } = setup()
    catalog.attach({ identity: 'db', dialect: 'sqlite', run, introspect: introspectSqlite })
    expect((await catalog.current({ wait: true }))?.tables.has('later')).toBe(false)
    await DB.prepare('CREATE TABLE later (id INTEGER PRIMARY KEY)').run()
    expect((await catalog.current({ wait: true }))?.tables.has('later')).toBe(false)
    catalog.refresh()
    expect((await catalog.current({ wait: true }))?.tables.has('later')).toBe(true)
  })

  it('a refused catalog query: the declared facts, and one degraded event however often it is asked', async () => {
    const declared = createCatalog({ tables: [{ name: 'notes', primaryKey: ['id'] }], complete: true })
    const { catalog, events } = setup(declared)
    catalog.attach({ identity: 'db', dialect: 'sqlite', run: refusingCatalogFault, introspect: introspectSqlite })
    expect(await catalog.current({ wait: true })).toBe(declared)
    expect(await catalog.current({ wait: true })).toBe(declared)
    expect(events).toStrictEqual([
      {
        type: 'degraded',
        source: 'test',
        detail: expect.stringMatching(/catalog/),
        error: expect.objectContaining({ message: 'not authorized: sqlite_master' }),
      },
    ])
  })
})
