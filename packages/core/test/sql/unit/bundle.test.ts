// What a binding bundles from `@kvcache/core/sql` depends on what it imports: guard the splits.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const sql = fileURLToPath(new URL('../../../src/sql/index.ts', import.meta.url))

/** The core/sql modules whose code a bundle of `source` (importing from the sql entry) contains. */
async function modulesFor(source: string): Promise<string[]> {
  const result = await build({
    stdin: { contents: source, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    alias: { sql },
    logLevel: 'silent',
  })
  const [output] = Object.values(result.metafile.outputs)
  return Object.entries(output?.inputs ?? {})
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path.replace(/^(?:.*\/)?src\//, ''))
}

/**
 * Our dist files concatenate each entry's modules into one file, where only pure top-level code can
 * be dropped: bundle `source` against `src/sql/index.ts` built that way (like tsup does), minified.
 */
async function concatenatedBundle(source: string): Promise<string> {
  const dist = await build({ entryPoints: [sql], bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'silent' })
  const result = await build({
    stdin: { contents: source, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    logLevel: 'silent',
    plugins: [
      {
        name: 'sql-dist',
        setup(plugin) {
          plugin.onResolve({ filter: /^sql$/ }, () => ({ path: 'sql-dist', namespace: 'sql-dist' }))
          plugin.onLoad({ filter: /.*/, namespace: 'sql-dist' }, () => ({ contents: dist.outputFiles[0]?.text ?? '', loader: 'js' }))
        },
      },
    ],
  })
  return result.outputFiles[0]?.text ?? ''
}

const SQL_READER = ['sql/reader.ts', 'sql/reads.ts', 'sql/writes.ts', 'sql/key-filter.ts', 'sql/describe.ts', 'sql/set-columns.ts']
const POSTGRES = ['sql/introspect-postgres.ts', 'sql/postgres-queries.ts']

describe('@kvcache/core/sql bundles', () => {
  it('planOperation plans descriptions without the SQL reader', async () => {
    const modules = await modulesFor("import { planOperation } from 'sql'\nexport const plan = planOperation")
    expect(modules).toContain('sql/planner.ts')
    expect(modules.filter((path) => SQL_READER.includes(path))).toStrictEqual([])
  })

  it('planStatement brings the SQL reader', async () => {
    expect(await modulesFor("import { planStatement } from 'sql'\nexport const plan = planStatement")).toEqual(expect.arrayContaining(SQL_READER))
  })

  it('the binding catalog with SQLite introspection carries no PostgreSQL introspection', async () => {
    const modules = await modulesFor(
      "import { createBindingCatalog, introspectSqlite } from 'sql'\nexport const parts = [createBindingCatalog, introspectSqlite]",
    )
    expect(modules).toEqual(expect.arrayContaining(['sql/binding-catalog.ts', 'sql/introspect-sqlite.ts']))
    expect(modules.filter((path) => POSTGRES.includes(path))).toStrictEqual([])
  })

  it('from one concatenated file too: the SQLite catalog carries no PostgreSQL queries, planOperation no SQL reader', async () => {
    const sqliteCatalog = await concatenatedBundle(
      "import { createBindingCatalog, introspectSqlite } from 'sql'\nexport const parts = [createBindingCatalog, introspectSqlite]",
    )
    expect(sqliteCatalog).toContain('sqlite_master')
    expect(sqliteCatalog).not.toContain('pg_catalog')
    const operations = await concatenatedBundle("import { planOperation } from 'sql'\nexport const plan = planOperation")
    // Words only the SQL reader's tables hold.
    expect(operations).not.toContain('straight_join')
    expect(operations).not.toContain('sqlite_master')
    expect(await concatenatedBundle("import { planStatement } from 'sql'\nexport const plan = planStatement")).toContain('straight_join')
  })
})
