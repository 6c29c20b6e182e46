#!/usr/bin/env node
// The `kvcache-prisma` generator: `generator kvcache { provider = "kvcache-prisma" }` in schema.prisma.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import generatorHelper from '@prisma/generator-helper'
import { buildModels, renderModule, renderTypes, type DmmfModel } from './render'

const { generatorHandler } = generatorHelper

generatorHandler({
  onManifest: () => ({ prettyName: 'kvcache model graph', defaultOutput: './generated/kvcache' }),
  async onGenerate(options) {
    const output = options.generator.output?.value
    if (!output) throw new Error('[kvcache] [prisma] generator `kvcache` needs an `output` directory.')
    const provider = options.datasources[0]?.activeProvider ?? 'unknown'
    const models = buildModels(options.dmmf.datamodel.models as unknown as readonly DmmfModel[], provider)
    await mkdir(output, { recursive: true })
    await writeFile(join(output, 'models.js'), renderModule(models))
    await writeFile(join(output, 'models.d.ts'), renderTypes())
  },
})
