// Generates the Prisma client and @kvcache/prisma's model graph for the Prisma page (src/generated,
// not committed). `pnpm dev` and the tests run it first. The kvcache generator is bundled from the
// workspace source, so no build step is needed.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const app = join(dirname(fileURLToPath(import.meta.url)), '..')
const generated = join(app, 'src', 'generated')
const require = createRequire(join(app, '..', '..', 'packages', 'prisma', 'package.json'))

export async function generatePrisma() {
  mkdirSync(generated, { recursive: true })
  await build({
    entryPoints: [join(app, '..', '..', 'packages', 'prisma', 'src', 'generator', 'bin.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: join(generated, 'kvcache-generator.mjs'),
    // The generator helper is CommonJS: give the ES module bundle a `require`.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    nodePaths: [join(dirname(require.resolve('@prisma/generator-helper/package.json')), '..', '..')],
    logLevel: 'error',
  })
  // `prisma generate` needs no schema engine; point it at an empty file where none was installed.
  const engine = join(generated, 'no-schema-engine')
  writeFileSync(engine, '')
  execFileSync(
    process.execPath,
    [join(app, 'node_modules', 'prisma', 'build', 'index.js'), 'generate', '--schema', join(app, 'src', 'prisma', 'schema.prisma')],
    {
      cwd: app,
      env: { PRISMA_SCHEMA_ENGINE_BINARY: engine, PRISMA_HIDE_UPDATE_MESSAGE: '1', ...process.env },
      stdio: 'pipe',
    },
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await generatePrisma()
