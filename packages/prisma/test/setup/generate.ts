import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { prismaSchema, type Flavor } from './schema'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * Generates a real Prisma client and our model graph for one flavor into test/.generated/<flavor>.
 * `prisma generate` needs no engine here: the schema engine binary points at a dummy file.
 * Skips the work when the schema and generator sources are unchanged since the last run.
 */
export async function generate(flavor: Flavor): Promise<void> {
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
  execFileSync(join(packageDir, 'node_modules', '.bin', 'prisma'), ['generate', '--schema', join(out, 'schema.prisma')], {
    cwd: packageDir,
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: engine, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
    stdio: 'pipe',
  })
  writeFileSync(stampFile, stamp)
}
