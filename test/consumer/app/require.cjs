// CommonJS consumer: every entry by `require`, named and default exports.
const assert = require('node:assert/strict')

const web = require('drift-analytics-destination/web')
assert.equal(typeof web.driftPlugin, 'function', 'web.driftPlugin')
assert.equal(web.driftPlugin({ embedId: 'abc123' }).name, 'Drift', 'web.driftPlugin().name')
assert.equal(web.default, undefined, 'web has no default export')

const catalog = require('drift-analytics-destination/web/destination')
assert.equal(catalog.destination.slug, 'actions-drift-web', 'web/destination.destination')
assert.equal(typeof catalog.default, 'function', 'web/destination default is the plugin factory')

const cloud = require('drift-analytics-destination/cloud')
assert.equal(cloud.destination.slug, 'actions-drift', 'cloud.destination')
assert.equal(cloud.default, cloud.destination, 'cloud default is the definition')
const { Destination } = require('@segment/actions-core')
assert.equal(new Destination(cloud.default).name, cloud.destination.name)

const shared = require('drift-analytics-destination/shared')
assert.equal(typeof shared.toDriftAttributes, 'function', 'shared.toDriftAttributes')
assert.equal(require('drift-analytics-destination').toDriftAttributes, shared.toDriftAttributes, 'bare specifier')
assert.equal(require('drift-analytics-destination/package.json').name, 'drift-analytics-destination')
assert.ok(require.resolve('drift-analytics-destination/browser').endsWith('drift-web.min.js'), 'browser file')
console.log('require: ok')
