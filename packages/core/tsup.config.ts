import { packageConfig } from '../../tsup.config.base'

export default packageConfig({
  entry: { index: 'src/index.ts', storage: 'src/storage.ts', binding: 'src/binding/index.ts', testing: 'src/testing.ts', sql: 'src/sql/index.ts' },
  external: ['vitest'],
})
