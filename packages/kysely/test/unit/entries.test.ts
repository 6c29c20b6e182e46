// The per-dialect entry points: each reads one database's catalog, refuses (at construction) a
// dialect whose catalog it would have to read but cannot, and bundles nothing of the other database.
import { createCache, isKvCacheError, memoryStorage } from '@kvcache/core'
import { workerBundle } from '@kvcache/test-support/worker-bundle'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { kyselyCache } from '../../src'
import { kyselyCache as postgresCache } from '../../src/postgres'
import { kyselyCache as sqliteCache } from '../../src/sqlite'
import { KYSELY_VERSIONS } from './versions'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Our modules (binding and core) whose code ends up in a Worker-style bundle of `entry`. */
const ourModules = async (entry: string) => (await workerBundle(root, entry)).ourModules

const POSTGRES_ONLY = ['sql/introspect-postgres.ts', 'sql/postgres-queries.ts']
const SQLITE_ONLY = ['sql/introspect-sqlite.ts']

function failure(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  return undefined
}

describe.each(KYSELY_VERSIONS)('entry points (Kysely $version)', ({ kysely }) => {
  const k = kysely as typeof import('kysely')
  const cache = createCache({ storage: memoryStorage() })
  const dialect = (adapter: new () => unknown, compiler: new () => unknown) => ({
    createDriver: () => new k.DummyDriver(),
    createAdapter: () => new adapter(),
    createIntrospector: (db: never) => new k.SqliteIntrospector(db),
    createQueryCompiler: () => new compiler(),
  })
  const sqlite = dialect(k.SqliteAdapter, k.SqliteQueryCompiler)
  const postgres = dialect(k.PostgresAdapter, k.PostgresQueryCompiler)

  it('a dialect whose catalog the entry cannot read fails at construction, naming the entry to import', () => {
    const wrongPostgres = failure(() => sqliteCache(postgres, cache))
    expect(isKvCacheError(wrongPostgres, 'INVALID_OPTION')).toBe(true)
    expect((wrongPostgres as Error).message).toContain("import kyselyCache from '@kvcache/kysely/postgres'")
    const wrongSqlite = failure(() => postgresCache(sqlite, cache))
    expect(isKvCacheError(wrongSqlite, 'INVALID_OPTION')).toBe(true)
    expect((wrongSqlite as Error).message).toContain("import kyselyCache from '@kvcache/kysely/sqlite'")
  })

  it('a dialect writing SQL the core does not read (MySQL) is reported as misconfigured, unless `catalog: false` says so', () => {
    const events: unknown[] = []
    const listening = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) })
    const mysql = dialect(k.MysqlAdapter, k.MysqlQueryCompiler)
    kyselyCache(mysql, listening)
    expect(events).toStrictEqual([expect.objectContaining({ type: 'misconfigured', source: 'kysely', fix: expect.stringContaining('catalog: false') })])
    kyselyCache(mysql, listening, { catalog: false })
    expect(events).toHaveLength(1)
  })

  it('each entry takes its own dialect, any dialect with `catalog: false`, and the root entry takes both', () => {
    expect(failure(() => sqliteCache(sqlite, cache))).toBeUndefined()
    expect(failure(() => postgresCache(postgres, cache))).toBeUndefined()
    expect(failure(() => sqliteCache(postgres, cache, { catalog: false }))).toBeUndefined()
    expect(failure(() => kyselyCache(sqlite, cache))).toBeUndefined()
    expect(failure(() => kyselyCache(postgres, cache))).toBeUndefined()
  })
})

describe('bundles', () => {
  it('@kvcache/kysely/sqlite carries the SQLite catalog reader and no PostgreSQL code', async () => {
    const modules = await ourModules('src/sqlite.ts')
    expect(modules).toEqual(expect.arrayContaining([...SQLITE_ONLY, 'sql/planner.ts', 'walk.ts']))
    expect(modules.filter((path) => POSTGRES_ONLY.includes(path))).toStrictEqual([])
  })

  it('@kvcache/kysely/postgres carries the PostgreSQL catalog reader and not the SQLite one', async () => {
    const modules = await ourModules('src/postgres.ts')
    expect(modules).toEqual(expect.arrayContaining(POSTGRES_ONLY))
    expect(modules.filter((path) => SQLITE_ONLY.includes(path))).toStrictEqual([])
  })

  it('@kvcache/kysely reads both', async () => {
    expect(await ourModules('src/index.ts')).toEqual(expect.arrayContaining([...POSTGRES_ONLY, ...SQLITE_ONLY]))
  })
})
