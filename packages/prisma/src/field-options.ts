import { kvCacheError } from '@kvcache/core/binding'
import type { Graph } from './graph'
import { unknownModel } from './models'
import type { WithKvCacheOptions } from './types'

/**
 * The options the core runtime gets: `ignoreFields` is `fieldTracking`'s older spelling
 * (`{ Post: ['views'] }` is `{ Post: { neverInvalidateOn: ['views'] } }`), so both follow the
 * core's one quiet rule. Its models and fields are checked here, at `$extends`, naming the option.
 */
export function withTrackedFields(options: WithKvCacheOptions, graph: Graph): WithKvCacheOptions {
  const ignored = options.ignoreFields
  if (ignored === undefined) return options
  const fieldTracking: Record<string, NonNullable<WithKvCacheOptions['fieldTracking']>[string]> = { ...options.fieldTracking }
  for (const [model, fields] of Object.entries(ignored)) {
    const info = Object.hasOwn(graph.models, model) ? graph.models[model] : undefined
    if (!info) throw unknownModel('INVALID_OPTION', model, graph, 'in `ignoreFields` / `autoInvalidate`')
    if (!Array.isArray(fields) || fields.some((field) => typeof field !== 'string' || !info.scalars.includes(field))) {
      throw kvCacheError(
        'INVALID_OPTION',
        'prisma',
        `Option \`ignoreFields.${model}\` must list scalar fields of \`${model}\` (${info.scalars.join(', ')}); relation fields name no column.`,
      )
    }
    if (Object.hasOwn(fieldTracking, model)) {
      throw kvCacheError(
        'INVALID_OPTION',
        'prisma',
        `Model \`${model}\` is in both \`ignoreFields\` and \`fieldTracking\`: give its rule once, in \`fieldTracking\`.`,
      )
    }
    fieldTracking[model] = { neverInvalidateOn: fields }
  }
  return { ...options, fieldTracking }
}
