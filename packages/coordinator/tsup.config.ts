import { packageConfig } from '../../tsup.config.base'

// `cloudflare:workers` is provided by the Workers runtime (the Durable Object base class).
export default packageConfig({
  // Short local names in dist/: wrangler keeps function names (`keep_names`) by default, so every
  // long one would ship as a string. bench/bundle-attribution measures the saving.
  minifyIdentifiers: true,
  external: ['cloudflare:workers'],
})
