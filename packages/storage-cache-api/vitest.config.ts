import { defineConfig } from 'vitest/config'
import { workersProject } from '../../vitest.workers'

export default defineConfig(workersProject({ kvNamespaces: ['KV'], d1Databases: ['DB'] }))
