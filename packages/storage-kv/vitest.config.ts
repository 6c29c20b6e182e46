import { defineConfig } from 'vitest/config'
import { workersProject } from '../../vitest.workers.ts'

export default defineConfig(workersProject({ kvNamespaces: ['KV'] }))
