import { defineConfig } from 'vitest/config'
import { postgresGlobalSetup } from '../../test-support/vitest.ts'
import { sourceResolve, workersProject } from '../../vitest.workers.ts'

/** A project that runs in plain Node (no workerd). */
const nodeProject = (name: string, include: string[], extra: { fileParallelism?: boolean; globalSetup?: string[] } = {}) => ({
  resolve: sourceResolve,
  ssr: { resolve: sourceResolve },
  test: { name, include, environment: 'node' as const, ...extra },
})

export default defineConfig({
  test: {
    projects: [
      // Everything that needs KV, the Cache API or D1: inside workerd.
      workersProject(
        { kvNamespaces: ['KV'], d1Databases: ['DB', 'DB2'], analyticsEngineDatasets: { KVCACHE_METRICS: { dataset: 'kvcache_metrics' } } },
        { name: 'workerd', include: ['test/**/*.test.ts'], exclude: ['test/unit/**', 'test/sql/unit/**', 'test/sql/pg/**'] },
      ),
      // Pure modules (codec, hashing, stamps, judging an entry, breaker, TTL, SQL reader and planner): plain Node, no database.
      nodeProject('unit', ['test/unit/**/*.test.ts', 'test/sql/unit/**/*.test.ts']),
      // Catalog introspection against a real PostgreSQL server (DATABASE_URL, the machine's, or an embedded one).
      nodeProject('pg', ['test/sql/pg/**/*.test.ts'], { fileParallelism: false, globalSetup: [postgresGlobalSetup] }),
    ],
  },
})
