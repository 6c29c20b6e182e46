import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import type { ViteUserConfig } from 'vitest/config'

/** Bindings a package's tests get inside workerd (real, local: miniflare). */
export interface WorkersTestBindings {
  readonly kvNamespaces?: string[]
  readonly d1Databases?: string[]
  /** Workers Analytics Engine bindings: binding name -> dataset (miniflare's local dataset accepts points and keeps none). */
  readonly analyticsEngineDatasets?: Record<string, { readonly dataset: string }>
  /** Durable Object bindings: binding name -> class exported by `main` (SQLite storage unless `useSQLite: false`). */
  readonly durableObjects?: Record<string, { readonly className: string; readonly useSQLite?: boolean }>
  /** The Worker module the Durable Object classes come from (runs in the tests' isolate). */
  readonly main?: string
}

/** Workspace packages resolve to their TypeScript sources in tests: no build step needed. */
export const sourceResolve = { conditions: ['@kvcache/source'] }

/** One Vitest project whose tests run inside workerd with the given bindings. */
export function workersProject(bindings: WorkersTestBindings, test: NonNullable<ViteUserConfig['test']> = {}): ViteUserConfig {
  return {
    plugins: [
      cloudflareTest({
        ...(bindings.main === undefined ? {} : { main: bindings.main }),
        miniflare: {
          compatibilityDate: '2026-04-01',
          compatibilityFlags: ['nodejs_compat'],
          kvNamespaces: bindings.kvNamespaces ?? [],
          d1Databases: bindings.d1Databases ?? [],
          ...(bindings.analyticsEngineDatasets && { analyticsEngineDatasets: bindings.analyticsEngineDatasets }),
          durableObjects: Object.fromEntries(
            Object.entries(bindings.durableObjects ?? {}).map(([name, { className, useSQLite = true }]) => [name, { className, useSQLite }]),
          ),
        },
      }),
    ],
    resolve: sourceResolve,
    ssr: { resolve: sourceResolve },
    test,
  }
}
