// Measures what code costs in a Worker bundle: esbuild with the same resolution as the bench
// runner (the `@kvcache/source` condition, so workspace packages are measured from source),
// minified, then gzipped the way `wrangler deploy` reports its upload size.
import { build } from 'esbuild'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

/** The resolution a Worker build uses; shared with lib/workerd.mjs. */
export const WORKER_CONDITIONS = ['@kvcache/source', 'workerd', 'worker', 'browser']

const benchDir = fileURLToPath(new URL('..', import.meta.url))

/**
 * Bundles one entry and returns its sizes in bytes: { minifiedBytes, gzipBytes, inputs }.
 * Options: entry (path or URL) or contents (module source, resolved from `resolveDir`, default
 * bench/), external (extra specifiers to leave out, e.g. an ORM when measuring only a binding),
 * minify (default true).
 */
export async function bundleSize(options) {
  const entry = options.entry instanceof URL ? fileURLToPath(options.entry) : options.entry
  const result = await build({
    ...(entry
      ? { entryPoints: [entry] }
      : { stdin: { contents: options.contents, resolveDir: options.resolveDir ?? benchDir, loader: 'ts', sourcefile: 'entry.ts' } }),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    minify: options.minify ?? true,
    metafile: true,
    conditions: WORKER_CONDITIONS,
    mainFields: ['module', 'main'],
    external: ['cloudflare:*', 'node:*', ...(options.external ?? [])],
    logLevel: 'error',
  })
  const code = result.outputFiles[0].contents
  const [output] = Object.values(result.metafile.outputs)
  return {
    minifiedBytes: code.byteLength,
    gzipBytes: gzipSync(code).byteLength,
    byModule: groupByModule(output.inputs),
  }
}

/** Minified bytes per module (`@kvcache/core`, `drizzle-orm/sqlite-core`, ...), from an esbuild metafile output's inputs. */
export function groupByModule(inputs) {
  const groups = {}
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const name = moduleOf(path)
    groups[name] = (groups[name] ?? 0) + bytesInOutput
  }
  return groups
}

function moduleOf(path) {
  // Sources (src/sql/ is its own row) or the built files wrangler bundles (dist/: one row per package).
  const workspace = /(?:^|\/)packages\/([^/]+)\/(?:src|dist)\/(?:(sql)\/)?/.exec(path)
  if (workspace) return `@kvcache/${workspace[1]}${workspace[2] ? `/${workspace[2]}` : ''}`
  const dependency = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\/(?:([^/]+)\/)?/.exec(path)
  if (!dependency) return 'worker'
  const sub = dependency[2] && !/\.(m?js|cjs|ts)$/.test(dependency[2]) && !['dist', 'lib', 'esm', 'cjs'].includes(dependency[2]) ? `/${dependency[2]}` : ''
  return `${dependency[1]}${sub}`
}

/** Modules whose bytes differ between two builds, largest change first: [[module, bytes], ...]. */
export function moduleDelta(without, withCache) {
  const names = new Set([...Object.keys(without.byModule), ...Object.keys(withCache.byModule)])
  return [...names]
    .map((name) => [name, (withCache.byModule[name] ?? 0) - (without.byModule[name] ?? 0)])
    .filter(([, bytes]) => bytes !== 0)
    .sort((a, b) => b[1] - a[1])
}

/** Sizes of `export * from '<specifier>'`, keeping `external` out of the bundle. */
export function entrySize(specifier, external = []) {
  return bundleSize({ contents: `export * from '${specifier}'`, external })
}

/** Bytes as KiB with one decimal, for tables. */
export function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`
}

export const benchRoot = dirname(benchDir)
