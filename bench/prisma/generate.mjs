// Generates the bench's Prisma clients (D1 / workerd and PostgreSQL / Node) and model graph, then
// bundles them: the Worker as ES modules for Miniflare (query compiler as a Wasm module), the
// Node client as one .mjs file.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const here = dirname(fileURLToPath(import.meta.url))
const out = join(here, '.generated')

function schema(flavor, generator) {
  return `
generator client {
  provider = "prisma-client"
  output   = "./client"
  runtime  = "${flavor === 'd1' ? 'workerd' : 'nodejs'}"
}
generator kvcache {
  provider = "node ${generator}"
  output   = "./kvcache"
}
datasource db {
  provider = "${flavor === 'd1' ? 'sqlite' : 'postgresql'}"
}
model Post {
  id        Int      @id
  title     String
  body      String
  authorId  Int
  createdAt DateTime
}
`
}

const esbuildNode = { bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error' }

/** Generates both flavors; returns the paths the bench needs. */
export async function generate() {
  mkdirSync(out, { recursive: true })
  // The published generator, as an app runs it (`pnpm bench` builds the packages first).
  const generator = join(here, '..', 'node_modules', '@kvcache', 'prisma', 'dist', 'generator.js')
  const prisma = join(here, '..', 'node_modules', 'prisma', 'build', 'index.js')
  const engine = join(out, 'no-schema-engine')
  writeFileSync(engine, '')
  for (const flavor of ['d1', 'pg']) {
    const dir = join(out, flavor)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'schema.prisma'), schema(flavor, generator))
    execFileSync(process.execPath, [prisma, 'generate', '--schema', join(dir, 'schema.prisma')], {
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: engine, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      stdio: 'pipe',
    })
  }
  // Node side: one importable module with the generated client.
  const pgClient = join(out, 'pg', 'client.mjs')
  await build({ ...esbuildNode, entryPoints: [join(out, 'pg', 'client', 'client.ts')], outfile: pgClient })
  // Worker side: the bench worker and everything it imports, the query compiler kept as a Wasm module.
  const wasm = join(out, 'd1', 'client', 'internal', 'query_compiler_fast_bg.wasm')
  const worker = await build({
    entryPoints: [join(here, 'worker.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    conditions: ['@kvcache/source', 'workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:*', 'node:*'],
    logLevel: 'error',
    plugins: [
      {
        name: 'wasm-module',
        setup(context) {
          context.onResolve({ filter: /\.wasm\?module$/ }, () => ({ path: './query_compiler_fast_bg.wasm', external: true }))
        },
      },
    ],
  })
  return {
    pgClient,
    pgModels: join(out, 'pg', 'kvcache', 'models.js'),
    workerModules: [
      { type: 'ESModule', path: join(out, 'worker.mjs'), contents: worker.outputFiles[0].text },
      { type: 'CompiledWasm', path: join(out, 'query_compiler_fast_bg.wasm'), contents: readFileSync(wasm) },
    ],
  }
}
