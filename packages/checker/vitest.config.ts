import { defineConfig } from 'vitest/config'

/** Workspace packages resolve to their TypeScript sources: no build step needed. Everything runs in plain Node on simulated time. */
const sourceResolve = { conditions: ['@kvcache/source'] }

export default defineConfig({
  resolve: sourceResolve,
  ssr: { resolve: sourceResolve },
  // A test runs several simulated runs one after the other; one run owns the process's timers while it lasts.
  test: { name: 'checker', include: ['test/**/*.test.ts'], environment: 'node', testTimeout: 30_000 },
})
