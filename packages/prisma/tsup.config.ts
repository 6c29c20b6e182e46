import { packageConfig } from '../../tsup.config.base'

export default packageConfig({
  entry: { index: 'src/index.ts', generator: 'src/generator/bin.ts' },
})
