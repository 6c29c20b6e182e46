import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { lockedVersion } from './lockfile-versions'
import type { ReadmeProject } from './readme-project'
import { newcomerEnv, run } from './shell'

const SCOPE = '@kvcache/'

/** The monorepo's root: where pnpm-lock.yaml and packages/ are. */
export const workspaceRoot = join(dirname(new URL(import.meta.url).pathname), '..', '..', '..')

/**
 * Packs `names` and the @kvcache packages they depend on (`pnpm pack`: what npm would publish, with
 * `workspace:*` turned into versions) into `destination`. Resolves with each package's tarball.
 */
export async function packWorkspacePackages(names: readonly string[], destination: string): Promise<Map<string, string>> {
  const tarballs = new Map<string, string>()
  const pending = [...names]
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    if (tarballs.has(name)) continue
    const dir = join(workspaceRoot, 'packages', name.slice(SCOPE.length))
    if (!existsSync(join(dir, 'dist'))) throw new Error(`${name} has no dist/ to pack: run \`npx pnpm@10 build\` first.`)
    const output = await run(`npx --yes pnpm@10 pack --pack-destination ${destination}`, { cwd: dir, timeoutMs: 60_000 })
    const tarball = output.trim().split('\n').pop() ?? ''
    if (!tarball.endsWith('.tgz') || !existsSync(tarball)) throw new Error(`pnpm pack in ${dir} printed no tarball:\n${output}`)
    tarballs.set(name, tarball)
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
    pending.push(...Object.keys(manifest.dependencies ?? {}).filter((dependency) => dependency.startsWith(SCOPE)))
  }
  return tarballs
}

/** What a fresh project is made from. */
export interface FreshProjectOptions {
  /** The README's files, install lines and commands. */
  readonly readme: ReadmeProject
  /** Every @kvcache package's tarball (`packWorkspacePackages`). */
  readonly tarballs: ReadonlyMap<string, string>
  /** Lockfile importers to take the other packages' versions from, in order (e.g. `packages/drizzle`, `.`). */
  readonly versionsFrom: readonly string[]
  /** Extra environment for the README's commands. */
  readonly env?: Readonly<Record<string, string>>
}

/**
 * Creates a project in the OS temp dir from exactly the files the README shows, installs exactly the
 * packages its install lines name (the @kvcache ones from their tarballs, the others at the versions
 * the workspace lockfile resolves), and runs its commands. Resolves with the project's directory.
 *
 * pnpm installs with `--prefer-offline`: files from the store the workspace's install filled, and only
 * metadata not cached yet from the registry.
 */
export async function createFreshProject(options: FreshProjectOptions): Promise<string> {
  const { readme, tarballs } = options
  const dir = mkdtempSync(join(tmpdir(), 'kvcache-readme-e2e-'))
  const lockfile = readFileSync(join(workspaceRoot, 'pnpm-lock.yaml'), 'utf8')
  const version = (name: string) => {
    if (!name.startsWith(SCOPE)) return lockedVersion(lockfile, name, options.versionsFrom)
    const tarball = tarballs.get(name)
    if (tarball === undefined) throw new Error(`The README installs ${name}, which was not packed.`)
    return `file:${tarball}`
  }
  const manifest = {
    name: 'readme-e2e-worker',
    private: true,
    type: 'module',
    dependencies: Object.fromEntries(readme.dependencies.map((name) => [name, version(name)])),
    devDependencies: Object.fromEntries(readme.devDependencies.map((name) => [name, version(name)])),
    // The packed bindings depend on @kvcache/core 0.0.0, which no registry has: that is the tarball.
    pnpm: { overrides: Object.fromEntries([...tarballs].map(([name, tarball]) => [name, `file:${tarball}`])) },
  }
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  for (const [path, content] of readme.files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
  const env = newcomerEnv(options.env)
  await run('npx --yes pnpm@10 install --prefer-offline', { cwd: dir, env, timeoutMs: 180_000 })
  for (const command of readme.commands) await run(command, { cwd: dir, env, timeoutMs: 120_000 })
  return dir
}
