// Type tests for the public API (checked by `tsc` in `pnpm typecheck`).
import { createCache, memoryStorage, type VersionStore } from '@kvcache/core'
import { expectTypeOf } from 'vitest'
import { durableObjectVersions, KvCacheCoordinator, recommendShards, type DurableObjectVersionsOptions } from '../src'

declare const namespace: DurableObjectNamespace<KvCacheCoordinator>
const versions = durableObjectVersions(namespace, { scopeShards: 4, timeoutMs: 500 })
// Plugs into createCache({ versions }) as any version store does.
expectTypeOf(versions).toMatchTypeOf<VersionStore>()
createCache({ storage: memoryStorage(), versions })
expectTypeOf<DurableObjectVersionsOptions['scopeShards']>().toEqualTypeOf<number | undefined>()
// @ts-expect-error the namespace is required
durableObjectVersions()
// @ts-expect-error units are in the option names
durableObjectVersions(namespace, { timeout: 500 })
expectTypeOf(recommendShards).returns.not.toBeAny()
