import { generatePrisma } from '../scripts/prisma-generate.mjs'

/** The Worker imports the generated Prisma client (Prisma page): generate it before `wrangler dev` starts. */
export default async function setup() {
  await generatePrisma()
}
