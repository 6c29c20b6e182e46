import { configDefaults, defineConfig, type ViteUserConfig } from 'vitest/config'
import { postgresGlobalSetup } from '../../test-support/vitest.ts'
import { sourceResolve, workersProject } from '../../vitest.workers.ts'

/**
 * Every integration test runs once per supported Kysely version: `kysely` resolves to the npm
 * alias of that version (kysely-d1 included), and `inject('kyselyVersion')` says which one it should be.
 */
const VERSIONS = { '0.27': 'kysely-0.27', '0.28': 'kysely', '0.29': 'kysely-0.29' } as const

function pinned(version: keyof typeof VERSIONS) {
  return {
    alias: [{ find: /^kysely$/, replacement: VERSIONS[version] }],
    provide: { kyselyVersion: version },
  }
}

function d1(version: keyof typeof VERSIONS): ViteUserConfig {
  // DB2: a second database behind the same KV namespace (identity tests); the coordinator's object for the chaos suite.
  const project = workersProject(
    {
      kvNamespaces: ['KV'],
      d1Databases: ['DB', 'DB2'],
      main: './test/d1/chaos-worker.ts',
      durableObjects: { KVCACHE_COORDINATOR: { className: 'KvCacheCoordinator' } },
    },
    {
      name: `d1-${version}`,
      include: ['test/d1/**/*.test.ts'],
      // The chaos suite's faults are in storage, not in the ORM: once, on the version the package builds against.
      exclude: [...configDefaults.exclude, ...(version === '0.28' ? [] : ['test/d1/chaos.test.ts'])],
    },
  )
  const { alias, provide } = pinned(version)
  return { ...project, resolve: { ...project.resolve, alias }, test: { ...project.test, provide } }
}

function pg(version: keyof typeof VERSIONS): ViteUserConfig {
  const { alias, provide } = pinned(version)
  return {
    // node-postgres against a real PostgreSQL (what Hyperdrive looks like to a Worker): the machine's or an
    // embedded one. The first project's globalSetup sets DATABASE_URL; the others find it set.
    resolve: { ...sourceResolve, alias },
    ssr: { resolve: sourceResolve },
    test: {
      name: `pg-${version}`,
      include: ['test/pg/**/*.test.ts'],
      environment: 'node',
      fileParallelism: false,
      provide,
      globalSetup: [postgresGlobalSetup],
    },
  }
}

export default defineConfig({
  test: {
    projects: [
      ...(['0.27', '0.28', '0.29'] as const).flatMap((version) => [d1(version), pg(version)]),
      {
        resolve: sourceResolve,
        ssr: { resolve: sourceResolve },
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', typecheck: { enabled: true, include: ['test/unit/**/*.test-d.ts'] } },
      },
    ],
  },
})
