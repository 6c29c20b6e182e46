import { defineConfig } from 'vitest/config'
import { postgresGlobalSetup } from '../../test-support/vitest.ts'
import { sourceResolve, workersProject } from '../../vitest.workers.ts'

export default defineConfig({
  test: {
    projects: [
      // D1 and KV inside workerd.
      workersProject({ kvNamespaces: ['KV'], d1Databases: ['DB'] }, { name: 'd1', include: ['test/d1/**/*.test.ts'] }),
      {
        // node-postgres against a real PostgreSQL server (what Hyperdrive looks like to a Worker): the machine's, or an embedded one.
        resolve: sourceResolve,
        ssr: { resolve: sourceResolve },
        test: {
          name: 'pg',
          include: ['test/pg/**/*.test.ts', 'test/unit/**/*.test.ts', 'test/libsql/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          globalSetup: [postgresGlobalSetup],
        },
      },
    ],
  },
})
