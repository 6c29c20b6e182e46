import { analyticsEngineSink, cacheStatusHeader, createCache, createMetrics, memoryStorage, type AnalyticsEngineDatasetLike } from '@kvcache/core'

// In a Worker: kvStorage(env.CACHE_KV), and the dataset is env.KVCACHE_METRICS.
const cache = createCache({ storage: memoryStorage() })

export async function handle(dataset: AnalyticsEngineDatasetLike, loadPosts: () => Promise<string[]>) {
  // One metrics object per request: its counts are this request's alone.
  const metrics = createMetrics()
  const request = cache.withContext({ onEvent: metrics.onEvent })
  const posts = await request.wrap('posts:all', loadPosts, { tables: ['posts'] })

  const snapshot = metrics.snapshot()
  const response = Response.json(posts)
  // For local development: what the cache did for this request, in one header.
  response.headers.set('x-kvcache', cacheStatusHeader(snapshot))
  // To Workers Analytics Engine: synchronous, never awaited, never throws.
  analyticsEngineSink(dataset, { label: 'api' })(snapshot)
  return { response, snapshot }
}
