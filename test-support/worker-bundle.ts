// A Worker-style esbuild bundle of a package entry (workspace packages from their sources, npm
// packages included), for tests that check what a Worker would carry.
import { build, type BuildOptions, type Metafile } from 'esbuild'

export interface WorkerBundle {
  readonly metafile: Metafile
  /** Our modules (binding and core) whose code ends up in the bundle, relative to their `src/`. */
  readonly ourModules: readonly string[]
}

/** How `wrangler deploy` bundles a Worker (workspace packages from their sources). */
export const WORKER_BUILD = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  conditions: ['@kvcache/source', 'workerd', 'worker', 'import'],
  logLevel: 'silent',
} satisfies BuildOptions

/** Bundles `entry` (relative to `packageRoot`) as `wrangler deploy` would, without writing it. */
export async function workerBundle(packageRoot: string, entry: string): Promise<WorkerBundle> {
  const result = await build({ ...WORKER_BUILD, absWorkingDir: packageRoot, entryPoints: [entry], write: false, metafile: true })
  const [output] = Object.values(result.metafile.outputs)
  const ourModules = Object.entries(output?.inputs ?? {})
    .filter(([path, input]) => input.bytesInOutput > 0 && !path.includes('node_modules'))
    .map(([path]) => path.replace(/^.*\/src\//, '').replace(/^src\//, ''))
  return { metafile: result.metafile, ourModules }
}

/** The script of a Worker entry (an absolute path), bundled as `wrangler deploy` would: for a real workerd (miniflare) to serve. */
export async function workerScript(entry: string): Promise<string> {
  const result = await build({ ...WORKER_BUILD, entryPoints: [entry], write: false })
  return result.outputFiles[0]?.text ?? ''
}
