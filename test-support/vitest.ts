// For vitest configs: `test: { globalSetup: [postgresGlobalSetup] }` gives the tests `process.env.DATABASE_URL`.
import { fileURLToPath } from 'node:url'

/** Absolute path of the PostgreSQL globalSetup module (see postgres-setup.ts for how it finds or starts a server). */
export const postgresGlobalSetup: string = fileURLToPath(new URL('./postgres-setup.ts', import.meta.url))
