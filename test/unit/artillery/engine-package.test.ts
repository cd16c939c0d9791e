// The Artillery engine package runs Stampede's runner on workers, which count tokens like the CLI:
// its tarball must carry the tokenizer vocabularies beside its index.js (the runner loads
// dist/tokenizers/NAME.js next to its bundle and never downloads one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ENGINE_DIR = resolve(__dirname, '..', '..', '..', 'packages', 'artillery-engine-stampede');

test('the engine package ships each tokenizer vocabulary beside its bundle, and each counts tokens', { skip: existsSync(join(ENGINE_DIR, 'dist', 'index.js')) ? false : 'run npm run build first' }, () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: ENGINE_DIR, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  assert.equal(r.status, 0, r.stderr);
  const files = (JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
  for (const name of ['o200k_base', 'cl100k_base', 'llama3']) {
    assert.ok(files.includes(`dist/tokenizers/${name}.js`), `dist/tokenizers/${name}.js is not in the tarball: ${files.join(', ')}`);
    const { vocabulary } = require(join(ENGINE_DIR, 'dist', 'tokenizers', `${name}.js`)) as { vocabulary: { encode(text: string): number[] } };
    assert.ok(vocabulary.encode('Little’s law, 東京 included.').length > 3, name);
  }
});
