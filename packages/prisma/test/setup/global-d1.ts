import { generate } from './generate'

export default async function setup(): Promise<void> {
  await generate('d1')
}
