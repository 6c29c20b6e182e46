import { packageConfig } from '../../tsup.config.base'

export default packageConfig({ entry: ['src/index.ts', 'src/internal.ts', 'src/testing.ts'], external: ['vitest'] })
