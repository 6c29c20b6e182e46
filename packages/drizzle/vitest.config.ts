import { createRequire } from 'node:module'
import { configDefaults, defineConfig, type ViteUserConfig } from 'vitest/config'
import { postgresGlobalSetup } from '../../test-support/vitest.ts'
import { sourceResolve, workersProject } from '../../vitest.workers.ts'

/**
 * The integration tests run at both ends of the supported range and on the next major: the newest
 * 0.x drizzle-orm (`drizzle-orm`), the oldest the peer range allows (0.44.0, the first with the
 * cache hook, installed as the npm alias `drizzle-orm-0.44`) and the 1.0 release candidate (the
 * alias `drizzle-orm-1`). Subpath imports (`drizzle-orm/d1`) follow.
 */
const VERSIONS = { newest: 'drizzle-orm', '0.44': 'drizzle-orm-0.44', '1.0': 'drizzle-orm-1' } as const
type Version = keyof typeof VERSIONS

/** Tests of 1.0-only API (relational queries v2), typed by the `drizzle-orm-1` alias: the 1.0 projects only. */
const ONLY_ON_1 = ['test/**/rqb-v2.test.ts']
const excluded = (version: Version, more: string[] = []) => [...configDefaults.exclude, ...(version === '1.0' ? [] : ONLY_ON_1), ...more]

const require = createRequire(import.meta.url)

/** The alias, and the version `inject('drizzleVersion')` tells the tests they must be running. */
function pinned(version: Version) {
  const { npmVersion } = require(`${VERSIONS[version]}/version`) as { npmVersion: string }
  return {
    alias: [{ find: /^drizzle-orm(\/.*)?$/, replacement: `${VERSIONS[version]}$1` }],
    provide: { drizzleVersion: npmVersion },
  }
}

function d1(version: Version): ViteUserConfig {
  const project = workersProject(
    { kvNamespaces: ['KV'], d1Databases: ['DB', 'DB2'] },
    {
      name: `d1-${version}`,
      include: ['test/d1/**/*.test.ts'],
      // The chaos suite's faults are in storage, not in the ORM: once, on the newest version.
      exclude: excluded(version, version === 'newest' ? [] : ['test/d1/chaos.test.ts']),
    },
  )
  const { alias, provide } = pinned(version)
  return { ...project, resolve: { ...project.resolve, alias }, test: { ...project.test, provide } }
}

function pg(version: Version): ViteUserConfig {
  const { alias, provide } = pinned(version)
  return {
    // node-postgres against a real PostgreSQL server (what Hyperdrive looks like to a Worker): the machine's, or an
    // embedded one. The first project's globalSetup sets DATABASE_URL; the others find it set.
    resolve: { ...sourceResolve, alias },
    ssr: { resolve: sourceResolve },
    test: {
      name: `pg-${version}`,
      include: ['test/pg/**/*.test.ts', 'test/unit/**/*.test.ts', 'test/libsql/**/*.test.ts'],
      // The bundle test measures what esbuild resolves from node_modules, whatever the alias says: once is enough.
      exclude: excluded(version, version === 'newest' ? [] : ['test/unit/bundle.test.ts', 'test/unit/one-line-bundle.test.ts']),
      environment: 'node',
      fileParallelism: false,
      provide,
      globalSetup: [postgresGlobalSetup],
    },
  }
}

export default defineConfig({
  test: {
    projects: [...(Object.keys(VERSIONS) as Version[]).flatMap((version) => [d1(version), pg(version)])],
  },
})
