// Runs a bench worker inside workerd (through Miniflare) so measurements come from the real runtime.
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'

// Drivers such as node-postgres import Node built-ins by bare name, often through `require`;
// workerd's nodejs_compat serves them as `node:<name>` ES modules. As wrangler does, an import
// becomes an external `node:` import and a `require` a tiny module that re-exports its default.
const nodeBuiltins = {
  name: 'node-builtins',
  setup(build) {
    const names = new Set(builtinModules)
    const isBuiltin = (path) => names.has(path.replace(/^node:/, ''))
    build.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      if (!isBuiltin(args.path)) return undefined
      const path = `node:${args.path.replace(/^node:/, '')}`
      return args.kind === 'require-call' ? { path, namespace: 'node-require' } : { path, external: true }
    })
    build.onLoad({ filter: /.*/, namespace: 'node-require' }, (args) => ({
      contents: `import builtin from '${args.path}'\nmodule.exports = builtin`,
      loader: 'js',
    }))
  },
}

/** Bundles a Worker entry (TypeScript is fine) as wrangler would, from workspace sources; returns the script text. */
export async function bundleWorker(entryOption) {
  const entry = entryOption instanceof URL ? fileURLToPath(entryOption) : entryOption
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    conditions: ['@kvcache/source', 'workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:*', 'node:*'],
    plugins: [nodeBuiltins],
    logLevel: 'error',
  })
  return result.outputFiles[0].text
}

/**
 * Bundles `entry` (TypeScript is fine) with the `@kvcache/source` condition and starts it in workerd.
 * Options: entry (URL or path), kvNamespaces, d1Databases, hyperdrives, bindings, compatibilityDate,
 * durableObjects ({ BINDING: className }: classes the entry exports, SQLite-backed), services
 * ({ BINDING: entry }: Workers of their own, each exporting a `Service` entrypoint class, bound over
 * RPC), inspectorPort (opens workerd's V8 inspector, for heap measurements; the main Worker is `main`).
 * Returns { fetchJson(path, init?), fetch(path, init?), mf, dispose() }.
 */
export async function startWorker(options) {
  const script = await bundleWorker(options.entry)
  const services = Object.entries(options.services ?? {})
  const main = {
    name: 'main',
    modules: true,
    script,
    compatibilityDate: options.compatibilityDate ?? '2026-04-01',
    compatibilityFlags: ['nodejs_compat'],
    kvNamespaces: options.kvNamespaces ?? [],
    d1Databases: options.d1Databases ?? [],
    hyperdrives: options.hyperdrives ?? {},
    bindings: options.bindings ?? {},
    durableObjects: Object.fromEntries(Object.entries(options.durableObjects ?? {}).map(([name, className]) => [name, { className, useSQLite: true }])),
    serviceBindings: Object.fromEntries(services.map(([binding]) => [binding, { name: `service-${binding}`, entrypoint: 'Service' }])),
  }
  // Each service is its own Worker (its own isolate), bound to the main one; it exports `Service`.
  const others = await Promise.all(
    services.map(async ([binding, entry]) => ({
      name: `service-${binding}`,
      modules: true,
      script: await bundleWorker(entry),
      compatibilityDate: main.compatibilityDate,
      compatibilityFlags: ['nodejs_compat'],
    })),
  )
  const mf = new Miniflare({
    workers: [main, ...others],
    ...(options.inspectorPort === undefined ? {} : { inspectorPort: options.inspectorPort }),
  })
  await mf.ready
  const call = (path, init) => mf.dispatchFetch(new URL(path, 'http://bench.local').toString(), init)
  return {
    mf,
    fetch: call,
    async fetchJson(path, init) {
      const response = await call(path, init)
      const text = await response.text()
      if (!response.ok) throw new Error(`bench worker ${path} answered ${response.status}: ${text}`)
      return JSON.parse(text)
    },
    dispose: () => mf.dispose(),
  }
}

/** Formats a number for a markdown table: 3 significant digits. */
export function fmt(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value)
  if (Number.isInteger(value)) return String(value)
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3)
}

/** Renders rows (arrays of cells) as a markdown table under `headers`. */
export function table(headers, rows) {
  const line = (cells) => `| ${cells.map((cell) => (typeof cell === 'number' ? fmt(cell) : String(cell))).join(' | ')} |`
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n')
}

/** The middle value: robust to the odd slow round. */
export function median(values) {
  return values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)]
}

/** min / median / max of repeated measurements: how far a rerun could move a number. */
export function spread(values) {
  const sorted = values.slice().sort((a, b) => a - b)
  return { min: sorted[0], median: median(sorted), max: sorted[sorted.length - 1], runs: sorted.length }
}

/** `median (min to max)` for a table cell. */
export function fmtSpread(values) {
  const { min, median: middle, max } = spread(values)
  return `${fmt(middle)} (${fmt(min)} to ${fmt(max)})`
}

/** Per-round ratios a[i] / b[i]: each round's two sides ran back to back, so their ratio is the fair sample. */
export function ratios(a, b) {
  return a.map((value, i) => value / b[i])
}

/**
 * Times every path `rounds` times, rotating which goes first each round so drift and warm-up
 * land on all of them alike. `time(path)` returns one sample. Returns { name: samples[] }.
 */
export async function alternate(paths, rounds, time) {
  const names = Object.keys(paths)
  const samples = Object.fromEntries(names.map((name) => [name, []]))
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length])
    if (round % 2 === 1) order.reverse()
    for (const name of order) samples[name].push(await time(paths[name]))
  }
  return samples
}
