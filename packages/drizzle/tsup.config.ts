import { packageConfig } from '../../tsup.config.base'

export default packageConfig({ external: ['drizzle-orm', /^drizzle-orm\//] })
