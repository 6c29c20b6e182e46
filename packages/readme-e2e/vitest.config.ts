import { defineConfig } from 'vitest/config'

/**
 * Plain Node: the tests build Worker projects in the OS temp dir and run them under `wrangler dev`
 * (workerd with local D1 and KV). One binding at a time: each starts pnpm, wrangler and workerd.
 */
export default defineConfig({
  test: {
    name: 'readme-e2e',
    include: ['test/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
})
