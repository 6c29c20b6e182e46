// A D1-only Worker must not carry PostgreSQL code because of this binding (nor the reverse).
import { workerBundle } from '@kvcache/test-support/worker-bundle'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** The drizzle-orm modules our own source files import, in a real bundle. */
async function importedByBinding(): Promise<string[]> {
  const { metafile } = await workerBundle(root, 'src/index.ts')
  const imported: string[] = []
  for (const [path, input] of Object.entries(metafile.inputs)) {
    if (!path.startsWith('src/')) continue
    for (const dependency of input.imports) if (dependency.path.includes('drizzle-orm')) imported.push(dependency.path.split('node_modules/').pop() as string)
  }
  return imported
}

/** Our modules (binding and core) whose code ends up in the bundle of `entry`. */
const ourModules = async (entry: string) => (await workerBundle(root, entry)).ourModules

const POSTGRES_ONLY = ['sql/introspect-postgres.ts', 'sql/postgres-queries.ts', 'pg-driver.ts']
const SQLITE_ONLY = ['sql/introspect-sqlite.ts']

describe('bundle', () => {
  it('the binding imports neither drizzle-orm/pg-core nor drizzle-orm/sqlite-core', async () => {
    const imported = await importedByBinding()
    expect(imported.length).toBeGreaterThan(0)
    expect(imported.filter((path) => /(?:pg|sqlite)-core/.test(path))).toStrictEqual([])
  })

  it('@kvcache/drizzle/d1 carries the D1 wrapper and the SQLite catalog reader, no PostgreSQL or libSQL code', async () => {
    const modules = await ourModules('src/d1.ts')
    expect(modules).toEqual(expect.arrayContaining(['d1-driver.ts', 'sql/introspect-sqlite.ts', 'sql/planner.ts']))
    expect(modules.filter((path) => [...POSTGRES_ONLY, 'libsql-driver.ts'].includes(path))).toStrictEqual([])
  })

  it('@kvcache/drizzle/pg carries the PostgreSQL catalog reader, no SQLite, D1 or libSQL code', async () => {
    const modules = await ourModules('src/pg.ts')
    expect(modules).toEqual(expect.arrayContaining(POSTGRES_ONLY))
    expect(modules.filter((path) => [...SQLITE_ONLY, 'd1-driver.ts', 'libsql-driver.ts'].includes(path))).toStrictEqual([])
  })

  it('@kvcache/drizzle/libsql carries the SQLite catalog reader, no PostgreSQL or D1 code', async () => {
    const modules = await ourModules('src/libsql.ts')
    expect(modules).toEqual(expect.arrayContaining(['libsql-driver.ts', ...SQLITE_ONLY]))
    expect(modules.filter((path) => [...POSTGRES_ONLY, 'd1-driver.ts'].includes(path))).toStrictEqual([])
  })

  it('@kvcache/drizzle keeps every driver', async () => {
    const modules = await ourModules('src/index.ts')
    expect(modules).toEqual(expect.arrayContaining(['d1-driver.ts', 'libsql-driver.ts', ...POSTGRES_ONLY, ...SQLITE_ONLY]))
  })
})
