// Where the bytes of a Worker bundle come from, for any entry in ./entries (index.mjs is the bench
// run by bench/run.mjs; this is the exploring tool): each entry is bundled with esbuild (minified,
// ESM, workerd conditions; no keep_names), gzipped as wrangler reports it, and the output is
// attributed back to source files through the source map. A group's gzipped cost is marginal:
// gzip(bundle) - gzip(bundle without that group's bytes), so the numbers answer "what would
// removing this save", and they do not add up exactly.
//
//   node bench/bundle-attribution/attribute.mjs [entry...] [--dist] [--orm-external] [--modules] [--features]
//
// --dist          resolve @kvcache/* to the built dist files (run `pnpm -r build` first), as users get them;
//                 default: the TypeScript sources (the @kvcache/source condition), no build needed
// --orm-external  leave drizzle-orm / kysely out: the cache's own code alone
// --modules       one row per source module of ours
// --features      rows per feature of the core and the SQL layer (lists in attribution.mjs)
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { FEATURES, attribution, gzipBytes, groupOf } from './attribution.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const args = process.argv.slice(2)
const flag = (name) => args.includes(`--${name}`)
const only = args.filter((arg) => !arg.startsWith('--'))
const ENTRIES = ['core-kv', 'drizzle-d1-plain', 'drizzle-d1-root', 'drizzle-d1', 'kysely-d1-plain', 'kysely-d1-root', 'kysely-d1']

const kb = (bytes) => (bytes / 1024).toFixed(1)

async function bundle(name) {
  const alias = flag('dist')
    ? Object.fromEntries(
        [
          ['core/binding', 'core/dist/binding.js'],
          ['core/storage', 'core/dist/storage.js'],
          ['core/sql', 'core/dist/sql.js'],
          ['core', 'core/dist/index.js'],
          ['storage-kv', 'storage-kv/dist/index.js'],
          ['drizzle/d1', 'drizzle/dist/d1.js'],
          ['drizzle', 'drizzle/dist/index.js'],
          ['kysely/sqlite', 'kysely/dist/sqlite.js'],
          ['kysely', 'kysely/dist/index.js'],
        ].map(([name, file]) => [`@kvcache/${name}`, `${here}../../packages/${file}`]),
      )
    : {}
  const result = await build({
    entryPoints: [`${here}entries/${name}.ts`],
    outfile: `${here}out/${name}.js`,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    sourcemap: 'external',
    conditions: [...(flag('dist') ? [] : ['@kvcache/source']), 'workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:*', 'node:*', ...(flag('orm-external') ? ['drizzle-orm', 'drizzle-orm/*', 'kysely', 'kysely-d1'] : [])],
    nodePaths: [`${here}../node_modules`],
    alias,
    logLevel: 'error',
  })
  const code = result.outputFiles.find((file) => file.path.endsWith('.js')).text
  const map = JSON.parse(result.outputFiles.find((file) => file.path.endsWith('.map')).text)
  return { code, map }
}

const rows = []
for (const name of ENTRIES.filter((entry) => only.length === 0 || only.includes(entry))) {
  const output = await bundle(name)
  const { modules, cost } = attribution(output)
  const groups = [...new Set(modules.map(groupOf))].filter((group) => group !== 'entry')
  const parts = groups.map((group) => {
    const size = cost((module) => groupOf(module) === group)
    return `${group} ${kb(size.minBytes)} / ${kb(size.gzipBytes)}`
  })
  rows.push(`| ${name} | ${kb(output.code.length)} | ${kb(gzipBytes(output.code))} | ${parts.join(', ')} |`)
  const details = []
  if (flag('modules')) {
    for (const module of modules.filter((module) => module !== 'npm' && module !== 'entry')) details.push([module, cost((m) => m === module)])
  }
  if (flag('features')) {
    for (const [feature, files] of Object.entries(FEATURES)) {
      const names = new Set(files.map((file) => `core/${file}`))
      details.push([feature, cost((module) => names.has(module))])
    }
    for (const group of groups.filter((group) => group !== 'core' && group !== 'core/sql' && group !== 'npm')) {
      details.push([`${group} (all of it)`, cost((module) => groupOf(module) === group)])
    }
  }
  if (details.length > 0) {
    console.log(`\n${name}: marginal bytes (minified / gzipped)\n`)
    for (const [label, { minBytes: min, gzipBytes: zipped }] of details
      .filter(([, size]) => size.minBytes > 0)
      .sort((a, b) => b[1].gzipBytes - a[1].gzipBytes)) {
      console.log(`${String(min).padStart(7)} ${String(zipped).padStart(6)}  ${label}`)
    }
  }
}
console.log(`\n| entry | KB min | KB gz | per group: KB min / KB gz (marginal) |\n|---|---:|---:|---|\n${rows.join('\n')}`)
