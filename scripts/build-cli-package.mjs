// Builds the npm package of the CLI, packages/stampede-ai (command: stampede). With --pack DIR,
// also runs npm pack into DIR and prints the tarball's path.
import { resolve } from 'node:path';
import { buildPackage, packPackage } from './npm-package.mjs';

const dir = await buildPackage({ name: 'stampede-ai', entry: 'src/cli/main.ts', outfile: 'dist/cli.js', banner: '#!/usr/bin/env node' });
const at = process.argv.indexOf('--pack');
if (at > 0) {
  const destination = process.argv[at + 1];
  if (!destination) throw new Error('--pack needs a folder');
  console.log(packPackage(dir, resolve(destination)));
} else {
  console.log(`built ${dir}`);
}
