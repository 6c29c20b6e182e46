import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'
import { sourceResolve, workersProject } from '../../vitest.workers.ts'

/**
 * vitest-pool-workers leaks one unhandled rejection for every Durable Object RPC call that
 * rejects, even when the test awaits and asserts the rejection
 * (https://github.com/cloudflare/workers-sdk/issues/14736). Only those echoes are ignored: errors
 * marked `remote` (raised inside the object) that the object raises on purpose, i.e. our rejected
 * calls and the test's own `abort()`. Every test still asserts the rejection its caller sees.
 */
const isRejectedCallEcho = (error: { message?: string; remote?: boolean }) =>
  error.remote === true && /\[kvcache\] \[coordinator\]|evicted by the test/.test(error.message ?? '')

export default defineConfig({
  test: {
    onUnhandledError: (error) => !isRejectedCallEcho(error as { message?: string; remote?: boolean }),
    projects: [
      workersProject(
        {
          main: './test/worker.ts',
          kvNamespaces: ['KV'],
          d1Databases: ['DB'],
          durableObjects: {
            KVCACHE_COORDINATOR: { className: 'KvCacheCoordinator' },
            // The same class declared without SQLite (`new_classes`): must fail with a clear message.
            KV_BACKED_COORDINATOR: { className: 'KvBackedCoordinator', useSQLite: false },
          },
        },
        { name: 'coordinator', include: ['test/*.test.ts'] },
      ),
      {
        // The README's wrangler.jsonc, as is: its Durable Object binding and SQLite migration.
        plugins: [cloudflareTest({ wrangler: { configPath: './test/readme/wrangler.jsonc' } })],
        resolve: sourceResolve,
        ssr: { resolve: sourceResolve },
        test: { name: 'readme', include: ['test/readme/*.test.ts'] },
      },
    ],
  },
})
