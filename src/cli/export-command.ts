// `stampede export artillery FILE --workers N --out DIR [--set path=value]...`: writes the
// scenario as an Artillery test for N workers (artillery-engine-stampede), with the files it
// reads, a package.json and a README, and prints how to run it here and on AWS.
import { copyFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ResolvedPlan } from '../core/plan';
import { unshareableReason } from '../core/worker-share';
import { ARTILLERY_VERSION, buildExport } from '../artillery/artillery-script';
import { loadScenario } from '../artillery/scenario-load';
import { scenarioSlug } from '../report/run-folder';
import { EXIT_INVALID } from '../core/exit-codes';
import { parseOrExit, usageError, type CommandSpec, type ParsedCommandLine } from './command-line';
import { ensureDirectory } from '../report/ensure-directory';

export const EXPORT_COMMAND: CommandSpec = {
  name: 'export',
  synopsis: 'artillery FILE --workers N --out DIR [options]',
  summary: `Writes FILE as an Artillery test run by N workers (artillery-engine-stampede): DIR/artillery.yml
(each worker runs 1/N of the load; the thresholds become an \`ensure\` block), the scenario and
the files it reads, a package.json pinning the engine and Artillery, and a README. Prints the
commands that run it on this machine and on AWS Fargate or Lambda.`,
  options: {
    workers: { type: 'string', value: 'N', description: 'workers that run the script (run-fargate --count N), 1 to 10000', default: '1' },
    out: { type: 'string', value: 'DIR', description: 'folder to write (created if needed)' },
    set: { type: 'string', multiple: true, value: 'PATH=VALUE', description: 'override a scenario value, applied by every worker' },
  },
  epilog: 'Exit codes: 0 written, 2 invalid scenario or usage, 70 internal error.',
};

const SCRIPT_FILE = 'artillery.yml';

interface ExportArgs {
  file: string;
  out: string;
  workers: number;
  sets: string[];
}

function fail(message: string): number {
  return usageError(EXPORT_COMMAND, message);
}

function exportArgs(parsed: ParsedCommandLine): ExportArgs | string {
  const [format, ...files] = parsed.positionals;
  if (format !== 'artillery') return format ? `unknown export format '${format}': the one format is 'artillery'` : 'missing the format: stampede export artillery FILE …';
  if (files.length !== 1) return files.length ? `one scenario file expected, got ${files.length}: ${files.join(' ')}` : 'missing the scenario file';
  const out = parsed.values.out;
  if (typeof out !== 'string' || out === '') return 'missing --out DIR: the folder to write the Artillery test to';
  const workers = typeof parsed.values.workers === 'string' ? parsed.values.workers : '1';
  const n = Number(workers);
  if (!/^\d+$/.test(workers) || n < 1 || n > 10_000) return `--workers ${workers}: expected a whole number of workers from 1 to 10000`;
  return { file: files[0], out, workers: n, sets: (parsed.values.set as string[] | undefined) ?? [] };
}

interface FilePlan {
  /** Copies: absolute source → path inside the export folder. */
  copies: Array<[string, string]>;
  /** `--set` rewrites for files that had to move into the export folder. */
  rewrites: string[];
}

/** The prompt and data files the scenario reads: kept at their relative paths when they sit
 * under the scenario's folder, else copied into files/ and pointed at with a --set. */
function referencedFiles(plan: ResolvedPlan, scenarioDir: string): FilePlan | string {
  const out: FilePlan = { copies: [], rewrites: [] };
  const used = new Set<string>();
  let missing: string | null = null;
  plan.workload.mix.forEach((entry, i) => {
    const refs: Array<[string | undefined, string]> = [
      [entry.prompt?.file, `workload.mix[${i}].prompt.file`],
      [entry.prompt?.data?.file, `workload.mix[${i}].prompt.data.file`],
    ];
    for (const [file, field] of refs) {
      if (!file) continue;
      const abs = isAbsolute(file) ? file : resolve(scenarioDir, file);
      if (!existsSync(abs) || !statSync(abs).isFile()) {
        missing ??= `${field}: ${file} is not a file (resolved to ${abs})`;
        continue;
      }
      const rel = relative(scenarioDir, abs);
      let target = rel.split(sep).join('/');
      if (isAbsolute(file) || rel.startsWith('..')) {
        target = `files/${basename(abs)}`;
        for (let n = 2; used.has(target); n++) target = `files/${n}-${basename(abs)}`;
        out.rewrites.push(`${field}=${target}`);
      }
      used.add(target);
      out.copies.push([abs, target]);
    }
  });
  return missing ?? out;
}

function warnings(plan: ResolvedPlan, workers: number): string[] {
  const out: string[] = [];
  const mocks = plan.providers.filter((p) => p.type === 'mock');
  if (mocks.length && workers > 1) {
    out.push(`each worker starts its own embedded mock (${mocks.map((p) => p.id).join(', ')}), so the simulated capacity — GPU slots, rate limits — is ${workers} times the scenario's; point the provider at a shared endpoint to load one system`);
  }
  const local = plan.providers.filter((p) => {
    const url = p.type === 'openai' ? p.baseUrl : p.type === 'http' ? p.target.url : '';
    return /^\w+:\/\/(localhost|127\.|\[::1\])/i.test(url);
  });
  if (local.length) out.push(`${local.map((p) => p.id).join(', ')} ${local.length === 1 ? 'points' : 'point'} at this machine (localhost): Fargate and Lambda workers cannot reach it`);
  if (plan.gateway) {
    const upstreams = plan.gateway.upstreams;
    const hosts = [...new Set(upstreams.map((u) => u.host))].join(', ');
    const fixed = upstreams.filter((u) => u.port !== 0).map((u) => u.name);
    out.push(
      `gateway.upstreams: each worker starts its own fault proxies (${upstreams.map((u) => u.name).join(', ')}) on its own clock, at ${hosts}, so your gateway must reach each worker's proxies: a gateway beside the worker can, but Fargate and Lambda workers' addresses are their own, out of your gateway's reach unless it runs there too; per-upstream shares and failover times stay in each worker` +
        (fixed.length && workers > 1 ? `; ${fixed.join(', ')} ${fixed.length === 1 ? 'has a fixed port' : 'have fixed ports'}, so two workers on one machine collide (use port 0)` : ''),
    );
  }
  if (plan.load.model === 'closed' && workers > 1) {
    const levels = plan.load.segments.flatMap((s) => [s.from, s.to]).filter((u) => Math.round(u) % workers !== 0);
    if (levels.length) out.push(`closed model: ${Math.round(levels[0])} users do not split evenly over ${workers} workers; Fargate and Lambda workers are not numbered, so the remainder goes to workers drawn at random (exact only with STAMPEDE_WORKER_INDEX set per worker)`);
  }
  return out;
}

export async function runExportCommand(argv: string[]): Promise<number> {
  const parsed = parseOrExit(EXPORT_COMMAND, argv);
  if (typeof parsed === 'number') return parsed;
  const args = exportArgs(parsed);
  if (typeof args === 'string') return fail(args);
  const loaded = loadScenario(args.file, args.sets);
  if (!loaded.ok) {
    for (const e of loaded.errors) process.stderr.write(`${e}\n`);
    return EXIT_INVALID;
  }
  const plan = loaded.plan;
  const reason = args.workers > 1 ? unshareableReason(plan) : null;
  if (reason) return fail(`${args.file} cannot be split across ${args.workers} workers: ${reason}`);
  const scenarioDir = dirname(resolve(args.file));
  const files = referencedFiles(plan, scenarioDir);
  if (typeof files === 'string') return fail(files);
  const scenarioFile = basename(args.file);
  const slug = scenarioSlug(plan.name, args.file);
  const notes = warnings(plan, args.workers);
  const exported = buildExport({
    notes,
    plan,
    scenarioFile,
    workers: args.workers,
    sets: [...args.sets, ...files.rewrites],
    includeFiles: [scenarioFile, ...files.copies.map(([, target]) => target)],
    scriptFile: SCRIPT_FILE,
    slug,
  });
  const outDir = resolve(args.out);
  try {
    ensureDirectory(outDir);
    copyFileSync(resolve(args.file), join(outDir, scenarioFile));
    for (const [from, to] of files.copies) {
      ensureDirectory(dirname(join(outDir, to)));
      copyFileSync(from, join(outDir, to));
    }
    writeFileSync(join(outDir, SCRIPT_FILE), exported.script);
    writeFileSync(join(outDir, 'package.json'), exported.packageJson);
    writeFileSync(join(outDir, 'README.md'), exported.readme);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return fail(`cannot write the export to ${args.out}: ${e.code === 'ENOENT' && e.path ? `${e.path}: no such file` : e.message}`);
  }

  const out = (line = '') => process.stdout.write(line + '\n');
  const t = exported.translation;
  const n = args.workers;
  out(`Exported "${plan.name}" for ${n} Artillery worker${n === 1 ? '' : 's'} (each runs 1/${n} of the load) to ${args.out}/`);
  out(`  ${SCRIPT_FILE}, package.json, README.md, ${[scenarioFile, ...files.copies.map(([, to]) => to)].join(', ')}`);
  out(`Thresholds: ${t.conditions.length} of ${plan.thresholds.length} in the ensure block${t.untranslated.length ? '; not translated (Artillery cannot check them):' : ''}`);
  for (const u of t.untranslated) out(`  - ${u.source}: ${u.reason}`);
  for (const w of notes) out(`Note: ${w}`);
  out();
  out(`Install (in ${args.out}; Artillery ${ARTILLERY_VERSION} wants Node 22.18 or later, and runs on Node 20 with a warning):`);
  out(`  ${exported.commands.install}`);
  out(`One worker on this machine (1/${n} of the load):`);
  out(`  ${exported.commands.local}`);
  out(`All ${n} workers on AWS Fargate (AWS credentials in the environment; the engine must be on the registry the workers install from — see README.md):`);
  out(`  ${exported.commands.fargate}`);
  out('Then the Stampede report from the merged metrics:');
  out(`  ${exported.commands.report}`);
  return 0;
}
