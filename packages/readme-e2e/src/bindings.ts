import { join } from 'node:path'
import { workspaceRoot } from './fresh-project'

/** A binding whose README's Quick start this package runs, and how its Worker answers. */
export interface ReadmeBinding {
  readonly name: 'drizzle' | 'kysely' | 'prisma'
  readonly readmePath: string
  /** Lockfile importers the README's other packages take their versions from, in order. */
  readonly versionsFrom: readonly string[]
  /** The `x-cache` header of a read served from the cache, and of one answered by the database. */
  readonly hit: string
  readonly miss: string
  /** Extra environment for the README's commands. */
  readonly env?: Readonly<Record<string, string>>
}

const binding = (name: ReadmeBinding['name'], hit: string, extra: Partial<ReadmeBinding> = {}): ReadmeBinding => ({
  name,
  readmePath: join(workspaceRoot, 'packages', name, 'README.md'),
  versionsFrom: [`packages/${name}`, '.'],
  hit,
  miss: 'miss',
  ...extra,
})

export const BINDINGS: readonly ReadmeBinding[] = [
  binding('drizzle', 'hit'),
  binding('kysely', 'hit'),
  // Prisma's own words for a hit (`info.cacheStatus`, as Accelerate reports it): 'ttl' fresh, 'swr' stale.
  binding('prisma', 'ttl', { env: { PRISMA_SCHEMA_ENGINE_BINARY: '/dev/null' } }),
]
