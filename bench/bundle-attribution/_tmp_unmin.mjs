import { build } from 'esbuild'
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { DRIZZLE_D1 } from './attribution.mjs'
const packagesDir = process.argv[2]
const plugin = {
  name: 'r',
  setup(b) {
    b.onResolve({ filter: /^@kvcache\// }, ({ path }) => {
      const [, name, sub] = /^@kvcache\/([^/]+)(\/.*)?$/.exec(path)
      const m = JSON.parse(readFileSync(`${packagesDir}${name}/package.json`, 'utf8'))
      return { path: `${packagesDir}${name}/${m.exports[`.${sub ?? ''}`].default.slice(2)}` }
    })
  },
}
const size = async (entry, minify) => {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    minify,
    keepNames: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2024',
    write: false,
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:*', 'node:*'],
    nodePaths: ['/work/main/bench/node_modules'],
    plugins: [plugin],
    logLevel: 'error',
  })
  const c = r.outputFiles[0].contents
  return [c.length, gzipSync(c).length]
}
for (const minify of [false, true]) {
  const a = await size(DRIZZLE_D1.plain, minify),
    b = await size(DRIZZLE_D1.cached, minify)
  console.log(minify ? 'minify' : 'default', ((b[0] - a[0]) / 1024).toFixed(1), ((b[1] - a[1]) / 1024).toFixed(1))
}
