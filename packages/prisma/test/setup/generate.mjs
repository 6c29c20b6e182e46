// @ts-check
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The test schema for one flavor: SQLite (D1, workerd runtime) or PostgreSQL (Node runtime). */
function prismaSchema(flavor, generatorCommand) {
  const provider = flavor === 'd1' ? 'sqlite' : 'postgresql'
  const runtime = flavor === 'd1' ? 'workerd' : 'nodejs'
  // Prisma 6.16 needs the query-compiler engine and a datasource url (unused with a driver adapter).
  const prisma6 = flavor === 'pg6'
  return `
generator client {
  provider = "prisma-client"
  output   = "./client"
  runtime  = "${runtime}"${prisma6 ? '\n  engineType = "client"' : ''}
}

generator kvcache {
  provider = "${generatorCommand}"
  output   = "./kvcache"
}

datasource db {
  provider = "${provider}"${prisma6 ? '\n  url      = "postgresql://unused"' : ''}
}

model User {
  id         Int          @id @default(autoincrement())
  email      String       @unique
  name       String?
  posts      Post[]
  profile    Profile?
  memberships Membership[]
  @@map("users")
}

model Profile {
  id     Int    @id @default(autoincrement())
  bio    String
  userId Int    @unique
  user   User   @relation(fields: [userId], references: [id], onDelete: Cascade)
}

model Post {
  id        Int       @id @default(autoincrement())
  title     String
  views     Int       @default(0)
  authorId  Int?
  author    User?     @relation(fields: [authorId], references: [id], onDelete: SetNull)
  comments  Comment[]
  tags      Tag[]
  price     Decimal   @default(0)
  big       BigInt    @default(0)
  data      Bytes?
  meta      Json?
  createdAt DateTime  @default(now())
}

model Comment {
  id     Int    @id @default(autoincrement())
  body   String
  postId Int
  post   Post   @relation(fields: [postId], references: [id], onDelete: Cascade)
}

model Tag {
  name  String @id
  posts Post[]
}

// A model over a database view (created by the DDL): reads depend on the tables the view reads.
model PostTitle {
  id    Int    @id
  title String
  @@map("post_titles")
}

// A text primary key whose values may look like numbers ('123'): raw SQL and Prisma must name its rows alike.
model Item {
  code  String @id
  label String
}

model Membership {
  orgId  Int
  userId Int
  role   String
  user   User   @relation(fields: [userId], references: [id], onDelete: Cascade)
  @@id([orgId, userId])
  @@unique([userId, role], name: "byRole")
}
`
}

/**
 * Generates a real Prisma client and our model graph for one flavor into test/.generated/<flavor>.
 * `prisma generate` needs no engine here: the schema engine binary points at a dummy file.
 * Skips the work when the schema and generator sources are unchanged since the last run.
 */
export async function generate(flavor) {
  const out = join(packageDir, 'test', '.generated', flavor)
  mkdirSync(out, { recursive: true })
  const generatorFile = join(out, 'kvcache-generator.mjs')
  await build({
    entryPoints: [join(packageDir, 'src', 'generator', 'bin.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: generatorFile,
    logLevel: 'silent',
  })
  const schema = prismaSchema(flavor, `node ${generatorFile}`)
  const stamp = createHash('sha256').update(schema).update(readFileSync(generatorFile)).digest('hex')
  const stampFile = join(out, '.stamp')
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && existsSync(join(out, 'kvcache', 'models.js'))) return
  writeFileSync(join(out, 'schema.prisma'), schema)
  const engine = join(out, 'no-schema-engine')
  writeFileSync(engine, '')
  // The oldest supported Prisma (6.16) is installed as `prisma-6`, the newest as `prisma`.
  const cli =
    flavor === 'pg6' ? join(packageDir, 'node_modules', 'prisma-6', 'build', 'index.js') : join(packageDir, 'node_modules', 'prisma', 'build', 'index.js')
  execFileSync(process.execPath, [cli, 'generate', '--schema', join(out, 'schema.prisma')], {
    cwd: packageDir,
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: engine, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
    stdio: 'pipe',
  })
  writeFileSync(stampFile, stamp)
}

// `node test/setup/generate.mjs d1 pg` (the typecheck script runs it first).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const flavor of process.argv.slice(2)) await generate(/** @type {'d1' | 'pg' | 'pg6'} */ (flavor))
}
