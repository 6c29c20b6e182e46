import { generate } from './generate.mjs'

/** Vitest global setup: a real Prisma client (workerd runtime, SQLite) and our model graph. */
export default async function setup() {
  await generate('d1')
}
