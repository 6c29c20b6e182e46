import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'

export default defineConfig({
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
  resolve: { conditions: ['@kvcache/source'] },
  ssr: { resolve: { conditions: ['@kvcache/source'] } },
})
