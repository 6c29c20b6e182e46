import type { BindingOptions } from '@kvcache/core/binding'

// Any binding's options: drizzleCache, kyselyCache (SQL names), withKvCache (Prisma's models and fields).
export const options: BindingOptions = {
  fieldTracking: {
    posts: { neverInvalidateOn: ['view_count'] },
    users: { neverInvalidateOn: '*', alwaysInvalidateOn: ['name', 'email'] },
  },
}
