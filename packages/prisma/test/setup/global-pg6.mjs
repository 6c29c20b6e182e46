import { generate } from './generate.mjs'

/** Vitest global setup: a real Prisma 6.16 client (Node runtime, PostgreSQL) and our model graph. */
export default async function setup() {
  await generate('pg6')
}
