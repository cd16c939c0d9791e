// The package's entry point (packages/artillery-engine-stampede/dist/index.js). Artillery loads
// an engine with import() and takes `default ?? namespace`; for a CommonJS module `default` is
// module.exports, so the class itself must be module.exports (not an ES default export).
import { StampedeEngine } from './stampede-engine';

module.exports = StampedeEngine;
