import { packageConfig } from '../../tsup.config.base'

export default packageConfig({
  // One entry per driver besides the root, so a Worker bundles only the wrapper it uses.
  entry: { index: 'src/index.ts', d1: 'src/d1.ts', pg: 'src/pg.ts', libsql: 'src/libsql.ts' },
  external: ['drizzle-orm', /^drizzle-orm\//],
})
