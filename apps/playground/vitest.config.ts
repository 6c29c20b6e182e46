import { defineConfig } from 'vitest/config'

// A plain Node environment: the test starts `wrangler dev` and drives Chromium against it.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    fileParallelism: false,
    globalSetup: ['test/global-setup.mjs'],
  },
})
