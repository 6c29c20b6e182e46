import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import type { ViteUserConfig } from 'vitest/config'

/** Bindings a package's tests get inside workerd (real, local: miniflare). */
export interface WorkersTestBindings {
  readonly kvNamespaces?: string[]
  readonly d1Databases?: string[]
}

/** Workspace packages resolve to their TypeScript sources in tests: no build step needed. */
export const sourceResolve = { conditions: ['@kvcache/source'] }

/** One Vitest project whose tests run inside workerd with the given bindings. */
export function workersProject(bindings: WorkersTestBindings, test: NonNullable<ViteUserConfig['test']> = {}): ViteUserConfig {
  return {
    plugins: [
      cloudflareTest({
        miniflare: {
          compatibilityDate: '2026-04-01',
          compatibilityFlags: ['nodejs_compat'],
          kvNamespaces: bindings.kvNamespaces ?? [],
          d1Databases: bindings.d1Databases ?? [],
        },
      }),
    ],
    resolve: sourceResolve,
    ssr: { resolve: sourceResolve },
    test,
  }
}
