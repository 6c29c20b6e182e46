import { defineConfig } from 'vitest/config'

// Plain Node: these tests start PostgreSQL servers and a browser as child processes.
export default defineConfig({
  test: { environment: 'node', include: ['test/**/*.test.ts'], fileParallelism: false, testTimeout: 120_000, hookTimeout: 60_000 },
})
