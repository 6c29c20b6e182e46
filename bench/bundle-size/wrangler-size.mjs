// Measures a Worker the way its author sees it: the workspace's wrangler bundles it with
// `wrangler deploy --dry-run --outdir <tmp>` (no account needed) and prints
// `Total Upload: <raw> KiB / gzip: <gzip> KiB`, the numbers a deploy shows. Wrangler resolves
// `@kvcache/*` as an installed package (the built dist/ files, not the TypeScript sources), so the
// packages must be built: `pnpm bench` builds them first, and a stale dist/ is refused here.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { groupByModule } from '../lib/bundle-size.mjs'

const require = createRequire(import.meta.url)
const wranglerDir = dirname(require.resolve('wrangler/package.json'))
const packagesDir = fileURLToPath(new URL('../../packages/', import.meta.url))

/** The wrangler these numbers come from (the workspace's devDependency). */
export const wranglerVersion = JSON.parse(readFileSync(join(wranglerDir, 'package.json'), 'utf8')).version

/**
 * The `wrangler.jsonc` of the bindings' READMEs (Setup), pointed at `main`. Both sides of a
 * comparison get the same one: only the Worker's code differs. Dry-run checks no ids.
 */
function wranglerConfig(main) {
  return {
    name: 'bundle-size',
    main,
    compatibility_date: '2026-04-01',
    compatibility_flags: ['nodejs_compat'],
    d1_databases: [{ binding: 'DB', database_name: 'bundle-size', database_id: '00000000-0000-0000-0000-000000000000' }],
    kv_namespaces: [{ binding: 'CACHE_KV', id: '00000000000000000000000000000000' }],
  }
}

/**
 * Runs `wrangler deploy --dry-run` on `entry` (a URL), with `--minify` when `minify` is true.
 * Returns { rawKib, gzipKib } as wrangler prints them (two decimals) and `byModule`: the bytes
 * each module contributes to the bundle before gzip, from wrangler's esbuild metafile.
 */
export function wranglerSize({ entry, minify }) {
  const dir = mkdtempSync(join(tmpdir(), 'kvcache-size-'))
  try {
    writeFileSync(join(dir, 'wrangler.jsonc'), JSON.stringify(wranglerConfig(fileURLToPath(entry)), null, 2))
    const outdir = join(dir, 'out')
    const args = ['deploy', '--dry-run', '--outdir', outdir, '--metafile', join(dir, 'meta.json'), ...(minify ? ['--minify'] : [])]
    const run = spawnSync(process.execPath, [join(wranglerDir, 'bin', 'wrangler.js'), ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', WRANGLER_SEND_METRICS: 'false' },
      timeout: 120_000,
    })
    const total = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(run.stdout)
    if (run.status !== 0 || !total) {
      throw new Error(`wrangler deploy --dry-run ${minify ? '--minify ' : ''}failed for ${entry.pathname} (exit ${run.status}):\n${run.stdout}\n${run.stderr}`)
    }
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'))
    const main = Object.entries(meta.outputs).find(([path]) => path.endsWith('.js'))
    return { rawKib: Number(total[1]), gzipKib: Number(total[2]), byModule: groupByModule(main[1].inputs) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Refuses to measure a package whose dist/ is older than its src/: the numbers would be the last
 * build's, not this commit's.
 */
export function assertBuilt(packageNames) {
  for (const name of packageNames) {
    const dist = join(packagesDir, name, 'dist')
    const built = newestMtimeMs(dist, { oldest: true })
    const changed = newestMtimeMs(join(packagesDir, name, 'src'))
    if (built === undefined || changed > built) {
      throw new Error(
        `packages/${name}/dist is missing or older than its src/: run \`npx pnpm@10 build\` first (wrangler bundles the built files, as an app installing @kvcache/${name} does).`,
      )
    }
  }
}

/** The newest (or with `oldest`, the oldest) modification time of the files under `dir`. */
function newestMtimeMs(dir, { oldest = false } = {}) {
  let result
  let entries
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true })
  } catch {
    return undefined
  }
  for (const entry of entries) {
    if (!entry.isFile()) continue
    const mtimeMs = statSync(join(entry.parentPath, entry.name)).mtimeMs
    if (result === undefined || (oldest ? mtimeMs < result : mtimeMs > result)) result = mtimeMs
  }
  return result
}
