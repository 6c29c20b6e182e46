import { packageConfig } from '../../tsup.config.base'

// One entry per SQL dialect besides the root, so a Worker bundles only its database's catalog reader.
export default packageConfig({ entry: { index: 'src/index.ts', sqlite: 'src/sqlite.ts', postgres: 'src/postgres.ts' } })
