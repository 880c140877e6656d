/** The mapping core: pure functions shared by device mode and cloud mode, so a trait means the same everywhere. */
export * from './types'
export * from './dates'
export * from './defaults'
export * from './flatten'
export * from './contact'
export * from './identity'
export * from './settings-rules'
export * from './settings'
