import { defineConfig } from 'vitest/config'
import { sourceResolve, workersProject } from '../../vitest.workers.ts'

export default defineConfig({
  test: {
    projects: [
      workersProject({ kvNamespaces: ['KV'] }, { name: 'workers', include: ['test/*.test.ts'] }),
      {
        // Node: a real workerd (miniflare) serving real requests to a bundled Worker, and bundles measured with esbuild.
        resolve: sourceResolve,
        ssr: { resolve: sourceResolve },
        test: { name: 'node', include: ['test/node/**/*.test.ts'], environment: 'node' },
      },
    ],
  },
})
