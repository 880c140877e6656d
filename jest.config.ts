import type { Config } from 'jest'

// Transpile only (tsconfig's isolatedModules): `npm run typecheck` does the type checking once for the whole tree.
const transform: Config['transform'] = {
  '^.+\\.tsx?$': ['ts-jest', { diagnostics: false }]
}

// Browser code is tested in jsdom; everything else (mapping core, cloud mode, sandbox, replay,
// Chromium end-to-end) in Node.
const browserTests = ['<rootDir>/destinations/drift-web/**/__tests__/**/*.test.ts', '<rootDir>/**/*.jsdom.test.ts']

const config: Config = {
  projects: [
    {
      displayName: 'node',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/**/__tests__/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        '/dist/',
        '<rootDir>/destinations/drift-web/',
        '\\.jsdom\\.test\\.ts$'
      ],
      setupFiles: ['<rootDir>/test/setup/env.ts']
    },
    {
      displayName: 'jsdom',
      testEnvironment: 'jsdom',
      testEnvironmentOptions: { resources: 'usable', runScripts: 'dangerously' },
      transform,
      testMatch: browserTests,
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
      setupFiles: ['<rootDir>/test/setup/env.ts']
    }
  ]
}

export default config
