// A Worker-style esbuild bundle of a package entry (workspace packages from their sources, npm
// packages included), for tests that check what a Worker would carry.
import { build, type Metafile } from 'esbuild'

export interface WorkerBundle {
  readonly metafile: Metafile
  /** Our modules (binding and core) whose code ends up in the bundle, relative to their `src/`. */
  readonly ourModules: readonly string[]
}

/** Bundles `entry` (relative to `packageRoot`) as `wrangler deploy` would, without writing it. */
export async function workerBundle(packageRoot: string, entry: string): Promise<WorkerBundle> {
  const result = await build({
    absWorkingDir: packageRoot,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['@kvcache/source', 'workerd', 'worker', 'import'],
    logLevel: 'silent',
  })
  const [output] = Object.values(result.metafile.outputs)
  const ourModules = Object.entries(output?.inputs ?? {})
    .filter(([path, input]) => input.bytesInOutput > 0 && !path.includes('node_modules'))
    .map(([path]) => path.replace(/^.*\/src\//, '').replace(/^src\//, ''))
  return { metafile: result.metafile, ourModules }
}
