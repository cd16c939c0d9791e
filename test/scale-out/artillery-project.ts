// A temp project as a user's would be after `npm install` in an exported folder: the engine
// installed from the tarball `npm pack` makes, and artillery@2.0.34 taken from the copy that
// scripts/install-artillery.sh keeps in .cache (installing it from the registry takes minutes).
// Artillery finds engines from its own location, so its package is copied into the project
// (hard links: instant) while its ~460 dependencies are linked.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const ARTILLERY_CACHE = join(ROOT, '.cache', 'artillery-2.0.34');
const ENGINE_DIR = join(ROOT, 'packages', 'artillery-engine-stampede');

export function artilleryCached(): boolean {
  return existsSync(join(ARTILLERY_CACHE, '.installed')) && existsSync(join(ARTILLERY_CACHE, 'node_modules', 'artillery', 'package.json'));
}

function run(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** `npm pack` of the engine package; returns the tarball's path. */
export function packEngine(dest: string): string {
  if (!existsSync(join(ENGINE_DIR, 'dist', 'index.js'))) throw new Error('packages/artillery-engine-stampede/dist/index.js is missing: run npm run build first');
  const out = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dest], ENGINE_DIR)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return join(dest, out[0].filename);
}

/** A project folder with the tarball installed by npm (offline: the engine has no
 * dependencies) and Artillery from the cache. */
export function createProject(dir: string, tarball: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scale-out-test', private: true }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-save', tarball], dir);
  const modules = join(dir, 'node_modules');
  const cached = join(ARTILLERY_CACHE, 'node_modules');
  run('cp', ['-al', join(cached, 'artillery'), join(modules, 'artillery')], dir);
  for (const name of readdirSync(cached)) {
    if (name.startsWith('.') || existsSync(join(modules, name))) continue;
    symlinkSync(join(cached, name), join(modules, name), 'dir');
  }
  mkdirSync(join(modules, '.bin'), { recursive: true });
  symlinkSync('../artillery/bin/run', join(modules, '.bin', 'artillery'));
}
