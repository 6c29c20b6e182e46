import { packageConfig } from '../../tsup.config.base'

// `cloudflare:workers` is provided by the Workers runtime (the Durable Object base class).
export default packageConfig({
  external: ['cloudflare:workers'],
})
