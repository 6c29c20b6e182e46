import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'

const source = { conditions: ['@kvcache/source'] }

export default defineConfig({
  test: {
    projects: [
      {
        // D1 and KV inside workerd.
        plugins: [
          cloudflareTest({
            miniflare: {
              compatibilityDate: '2026-04-01',
              compatibilityFlags: ['nodejs_compat'],
              kvNamespaces: ['KV'],
              d1Databases: ['DB'],
            },
          }),
        ],
        resolve: source,
        ssr: { resolve: source },
        test: { name: 'd1', include: ['test/d1/**/*.test.ts'] },
      },
      {
        // node-postgres against the PostgreSQL server on 127.0.0.1:5432 (what Hyperdrive looks like to a Worker).
        resolve: source,
        ssr: { resolve: source },
        test: { name: 'pg', include: ['test/pg/**/*.test.ts', 'test/unit/**/*.test.ts'], environment: 'node', fileParallelism: false },
      },
    ],
  },
})
