/**
 * True in development builds. Bundlers replace `process.env.NODE_ENV` (webpack, Vite, esbuild, Parcel; Rollup
 * with @rollup/plugin-replace), as React and Redux require, so a production bundle folds this to `false` and
 * drops the long message text behind it. The script-tag build (`./browser`) is a production build. Node always
 * has `process`.
 */
export const DEV: boolean = process.env.NODE_ENV !== 'production'
