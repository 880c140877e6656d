// ESM consumer: every entry by `import`, named and default exports.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { driftPlugin } from 'drift-analytics-destination/web'
import * as web from 'drift-analytics-destination/web'
import catalogFactory, { destination as catalog } from 'drift-analytics-destination/web/destination'
import cloudDefault, { destination as cloud, resetDriftCaches } from 'drift-analytics-destination/cloud'
import { toDriftAttributes } from 'drift-analytics-destination/shared'
import { toDriftAttributes as bare } from 'drift-analytics-destination'
import pkg from 'drift-analytics-destination/package.json' with { type: 'json' }

// actions-core itself only loads as CommonJS (its ESM build imports directories).
const { Destination } = createRequire(import.meta.url)('@segment/actions-core')

assert.equal(driftPlugin({ embedId: 'abc123' }).name, 'Drift')
assert.equal('default' in web, false, 'web has no default export')
assert.equal(catalog.slug, 'actions-drift-web')
assert.equal(typeof catalogFactory, 'function')
assert.equal(cloudDefault, cloud, 'cloud default is the definition, not a CommonJS namespace')
assert.equal(new Destination(cloudDefault).name, cloud.name)
assert.equal(typeof resetDriftCaches, 'function')
// One instance whichever way it is loaded (one set of caches).
assert.equal(createRequire(import.meta.url)('drift-analytics-destination/cloud').destination, cloud)
assert.equal(bare, toDriftAttributes)
assert.deepEqual(toDriftAttributes({ a: { b: 1 } }).attributes, { a_b: 1 })
assert.equal(pkg.name, 'drift-analytics-destination')
console.log('import: ok')
