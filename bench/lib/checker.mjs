// The consistency checker (packages/checker) for bench scripts: it is TypeScript source (a private
// package with no build), so it is bundled for Node with the workspace sources, imported, and the
// bundle removed.
import { build } from 'esbuild'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export async function importChecker() {
  const dir = mkdtempSync(join(tmpdir(), 'kvcache-checker-'))
  const outfile = join(dir, 'checker.mjs')
  try {
    await build({
      entryPoints: [fileURLToPath(new URL('../../packages/checker/src/index.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['@kvcache/source'],
      outfile,
      logLevel: 'warning',
    })
    return await import(pathToFileURL(outfile).href)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
