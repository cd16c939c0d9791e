// `npm run fuzz`: the fuzz suite of test/unit/fuzz for longer than CI runs it, from a fresh seed.
// CI (`npm test`) runs the same properties from a fixed seed for about a minute in all. Set
// FUZZ_SCALE (default 10: each property runs ten times its CI budget) and FUZZ_SEED to repeat a
// run; the seed is printed first, and a failure prints its counterexample.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const seed = process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
const scale = process.env.FUZZ_SCALE ?? '10';
const dir = 'test/unit/fuzz';
const files = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => join(dir, f));
console.log(`fuzz: seed ${seed}, scale ${scale} (repeat with FUZZ_SEED=${seed} FUZZ_SCALE=${scale} npm run fuzz)`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', `--test-timeout=${Math.max(120_000, Number(scale) * 60_000)}`, ...files],
  { stdio: 'inherit', env: { ...process.env, FUZZ_SEED: seed, FUZZ_SCALE: scale, FUZZ_VERBOSE: '1' } },
);
process.exit(result.status ?? 1);
