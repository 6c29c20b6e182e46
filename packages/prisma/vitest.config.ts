import { dirname, resolve } from 'node:path'
import { defineConfig, type Plugin } from 'vitest/config'
import { postgresGlobalSetup } from '../../test-support/vitest.ts'
import { sourceResolve, workersProject } from '../../vitest.workers.ts'

/**
 * The generated workerd client loads its query compiler with `import('./x.wasm?module')`, which
 * wrangler's bundler turns into a WebAssembly module. Under Vitest the import would go through
 * Vite, which cannot load .wasm (and workerd refuses to compile WebAssembly from bytes), so the
 * tests hand that one import to workerd's own module loader, which serves .wasm files as compiled
 * modules, as in a deployed Worker.
 */
const nativeWasmImport: Plugin = {
  name: 'kvcache:native-wasm-import',
  enforce: 'pre',
  transform(code, id) {
    if (!id.includes('/.generated/') || !code.includes('.wasm?module')) return undefined
    return code.replace(/import\(\s*["'](\.\/[^"']+\.wasm)\?module["']\s*\)/g, (_match, file: string) => {
      const path = resolve(dirname(id), file)
      return `(new Function('path', 'return import(path)'))(${JSON.stringify(path)})`
    })
  },
}

const d1 = workersProject(
  // DB2: a second D1 database behind the same KV namespace (database identity tests); the coordinator's object for the chaos suite.
  {
    kvNamespaces: ['KV'],
    d1Databases: ['DB', 'DB2'],
    main: './test/d1/chaos-worker.ts',
    durableObjects: { KVCACHE_COORDINATOR: { className: 'KvCacheCoordinator' } },
  },
  // The first test of a file also pays for loading Prisma's query compiler (WebAssembly) in workerd.
  { name: 'd1', include: ['test/d1/**/*.test.ts'], globalSetup: ['test/setup/global-d1.mjs'], testTimeout: 30_000, hookTimeout: 60_000 },
)

export default defineConfig({
  test: {
    projects: [
      // A real Prisma client (workerd runtime) over D1, with KV, inside workerd.
      { ...d1, plugins: [nativeWasmImport, ...(d1.plugins ?? [])] },
      {
        // A real Prisma client (Node runtime) over PostgreSQL (the machine's, or an embedded one) through @prisma/adapter-pg: what Hyperdrive looks like to a Worker.
        resolve: sourceResolve,
        ssr: { resolve: sourceResolve },
        test: {
          name: 'pg',
          include: ['test/pg/**/*.test.ts', 'test/unit/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          // A real Prisma client and PostgreSQL: seconds per test on a loaded 2-core machine. Only a hang should fail one.
          testTimeout: 30_000,
          hookTimeout: 60_000,
          globalSetup: [postgresGlobalSetup, 'test/setup/global-pg.mjs'],
        },
      },
      {
        // The same PostgreSQL suite on Prisma 6.16, the oldest supported version (installed as `prisma-6` / `prisma-client-6`).
        resolve: { ...sourceResolve, alias: [{ find: /^@prisma\/client\/runtime\/(.*)$/, replacement: 'prisma-client-6/runtime/$1' }] },
        ssr: { resolve: sourceResolve },
        test: {
          name: 'pg6',
          include: ['test/pg6/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
          globalSetup: [postgresGlobalSetup, 'test/setup/global-pg6.mjs'],
        },
      },
    ],
  },
})
