// Generates the Prisma client (workerd runtime) and model graph for the blog schema the size
// Workers share (workers/schema.ts, as Prisma models), into bench/bundle-size/.generated: the
// Prisma Workers import it as an app imports its own generated client.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const out = join(here, '.generated')
const benchModules = join(here, '..', 'node_modules')

const SCHEMA = `
generator client {
  provider = "prisma-client"
  output   = "./client"
  runtime  = "workerd"
}
generator kvcache {
  provider = "node ${join(benchModules, '@kvcache', 'prisma', 'dist', 'generator.js')}"
  output   = "./kvcache"
}
datasource db {
  provider = "sqlite"
}
model User {
  id    Int    @id
  name  String
  posts Post[]
  @@map("users")
}
model Post {
  id        Int       @id
  authorId  Int       @map("author_id")
  title     String
  body      String
  updatedAt DateTime  @map("updated_at")
  author    User      @relation(fields: [authorId], references: [id])
  comments  Comment[]
  @@map("posts")
}
model Comment {
  id     Int    @id
  postId Int    @map("post_id")
  body   String
  post   Post   @relation(fields: [postId], references: [id])
  @@map("comments")
}
`

/** Runs `prisma generate` (the published `kvcache-prisma` generator: `pnpm bench` builds the packages first). */
export function generatePrismaClient() {
  mkdirSync(out, { recursive: true })
  // generate needs no schema engine; pointing at an empty file keeps Prisma from looking for one.
  const engine = join(out, 'no-schema-engine')
  writeFileSync(engine, '')
  writeFileSync(join(out, 'schema.prisma'), SCHEMA)
  execFileSync(process.execPath, [join(benchModules, 'prisma', 'build', 'index.js'), 'generate', '--schema', join(out, 'schema.prisma')], {
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: engine, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    stdio: 'pipe',
  })
}
