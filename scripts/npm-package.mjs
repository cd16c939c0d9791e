// Builds an npm package of this repository from a folder under packages/: its package.json and
// README are kept in the repository; the bundle (esbuild, every dependency inlined, so the package
// installs with no dependencies of its own), the LICENSE and the notices of the bundled
// third-party code are written at build time. Used by build-cli-package.mjs; another package
// (an Artillery engine, say) gets its own small script calling the same functions.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeValidatorIfStale } from './scenario-validator.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles `entry` into `packages/<name>/<outfile>` and writes LICENSE and THIRD_PARTY_NOTICES.md
 * beside the package.json. Returns the package folder. */
export async function buildPackage({ name, entry, outfile, banner }) {
  const dir = join(ROOT, 'packages', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const rootVersion = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  if (manifest.version !== rootVersion) throw new Error(`packages/${name}/package.json has version ${manifest.version}, the repository ${rootVersion}: keep them equal`);
  writeValidatorIfStale();
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile: join(dir, outfile),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Not minified: a stack trace from STAMPEDE_DEBUG=1 in a bug report stays readable.
    minify: false,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    ...(banner ? { banner: { js: banner } } : {}),
  });
  copyFileSync(join(ROOT, 'LICENSE'), join(dir, 'LICENSE'));
  writeFileSync(join(dir, 'THIRD_PARTY_NOTICES.md'), thirdPartyNotices(name, Object.keys(result.metafile.inputs)));
  return dir;
}

/** The name, version, license and license text of every package whose code is in the bundle. */
function thirdPartyNotices(name, inputs) {
  const packages = new Map();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.set(match[1], true);
  }
  const sections = [...packages.keys()].sort().map((folder) => {
    const pkg = JSON.parse(readFileSync(join(ROOT, folder, 'package.json'), 'utf8'));
    const licenseFile = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENCE'].map((f) => join(ROOT, folder, f)).find((f) => existsSync(f));
    const text = licenseFile ? readFileSync(licenseFile, 'utf8').trim() : `(no license file in the package; its package.json says ${pkg.license})`;
    return `## ${pkg.name} ${pkg.version} (${pkg.license})\n\n\`\`\`\n${text}\n\`\`\``;
  });
  return `# Third-party code in ${name}\n\nThe bundle includes code from these packages, under these licenses.\n\n${sections.join('\n\n')}\n`;
}

/** Runs `npm pack` on the package folder into `destination`; returns the tarball's path. */
export function packPackage(dir, destination) {
  mkdirSync(destination, { recursive: true });
  const packed = spawnSync('npm', ['pack', '--json', '--pack-destination', destination], { cwd: dir, encoding: 'utf8' });
  if (packed.status !== 0) throw new Error(`npm pack failed in ${dir}:\n${packed.stderr}`);
  const [info] = JSON.parse(packed.stdout);
  return join(destination, info.filename);
}
