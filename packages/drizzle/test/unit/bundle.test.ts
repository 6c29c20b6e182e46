// A D1-only Worker must not carry PostgreSQL code because of this binding (nor the reverse).
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** The drizzle-orm modules our own source files import, in a real bundle. */
async function importedByBinding(): Promise<string[]> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/index.ts'],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['@kvcache/source', 'workerd', 'worker', 'import'],
    logLevel: 'silent',
  })
  const imported: string[] = []
  for (const [path, input] of Object.entries(result.metafile.inputs)) {
    if (!path.startsWith('src/')) continue
    for (const dependency of input.imports) if (dependency.path.includes('drizzle-orm')) imported.push(dependency.path.split('node_modules/').pop() as string)
  }
  return imported
}

describe('bundle', () => {
  it('the binding imports neither drizzle-orm/pg-core nor drizzle-orm/sqlite-core', async () => {
    const imported = await importedByBinding()
    expect(imported.length).toBeGreaterThan(0)
    expect(imported.filter((path) => /(?:pg|sqlite)-core/.test(path))).toStrictEqual([])
  })
})
