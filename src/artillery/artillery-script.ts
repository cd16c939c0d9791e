// What `stampede export artillery` writes: the Artillery script (the engine, the share, the
// scenario's thresholds as an `ensure` block), a package.json pinning the engine and Artillery,
// and a README. Pure: text from the plan and the export's choices.
import { translateThresholds, type ThresholdTranslation } from '../core/artillery-metrics';
import type { ResolvedPlan } from '../core/plan';
import { ENGINE_VERSION } from './engine-version';

/** The npm package of the Stampede CLI (command `stampede`). */
export const CLI_PACKAGE = 'stampede-ai';
/** The Artillery release the export pins, the one the scale-out test runs. */
export const ARTILLERY_VERSION = '2.0.34';
/** What Artillery 2.0.34 declares it needs (it runs on Node 20 with a warning). */
export const ARTILLERY_NODE = '>= 22.18.0';

export interface ExportInput {
  plan: ResolvedPlan;
  /** The scenario's file name inside the export folder. */
  scenarioFile: string;
  workers: number;
  /** `--set` overrides the workers apply, in order (the user's, then path rewrites). */
  sets: string[];
  /** Files the workers need beside the script (the scenario and its prompt and data files). */
  includeFiles: string[];
  /** The name of the script file, e.g. artillery.yml. */
  scriptFile: string;
  /** The folder name of the export, for package.json. */
  slug: string;
  /** What the user should know about running this scenario on workers (the CLI prints them too). */
  notes: string[];
}

const q = (text: string): string => JSON.stringify(text);

export interface ExportedFiles {
  script: string;
  packageJson: string;
  readme: string;
  translation: ThresholdTranslation;
  commands: ExportCommands;
}

export interface ExportCommands {
  install: string;
  local: string;
  fargate: string;
  lambda: string;
  report: string;
}

export function exportCommands(input: Pick<ExportInput, 'workers' | 'scriptFile'>): ExportCommands {
  const n = input.workers;
  return {
    install: 'npm install',
    local: `npx artillery run --output report.json ${input.scriptFile}`,
    fargate: `npx artillery run-fargate --count ${n} --region us-east-1 --output report.json ${input.scriptFile}`,
    lambda: `npx artillery run-lambda --count ${n} --region us-east-1 --output report.json ${input.scriptFile}`,
    report: `npx stampede report --from-artillery report.json --script ${input.scriptFile} --report report.html --md report.md --junit junit.xml`,
  };
}

function scriptText(input: ExportInput, t: ThresholdTranslation): string {
  const { plan, workers } = input;
  const lines: string[] = [];
  lines.push(`# ${plan.name} — a Stampede scenario as an Artillery test for ${workers} worker${workers === 1 ? '' : 's'}.`);
  lines.push(`# Written by \`stampede export artillery\`: export again rather than edit. Each worker runs one`);
  lines.push(`# virtual user, which runs Stampede's own scheduler on 1/${workers} of the load (Poisson arrivals`);
  lines.push('# thinned, closed-model users split into whole numbers) and emits every sample as Artillery');
  lines.push('# metrics: stampede.ttft, stampede.itl, stampede.e2e, … histograms (ms) and counters.');
  if (t.untranslated.length) {
    lines.push('#');
    lines.push('# Thresholds with no Artillery equivalent (not checked by `ensure`; see README.md):');
    for (const u of t.untranslated) lines.push(`#   ${u.source} — ${u.reason}`);
  }
  lines.push('config:');
  lines.push(`  target: ${q(`stampede:${input.slug}`)}`);
  lines.push('  phases:');
  lines.push('    # One virtual user per worker; it runs the whole load shape, however long.');
  lines.push('    - name: stampede');
  lines.push('      arrivalCount: 1');
  lines.push('      duration: 1');
  lines.push('  engines:');
  lines.push('    stampede: {}');
  lines.push('  stampede:');
  lines.push(`    scenario: ${q(input.scenarioFile)}`);
  lines.push(`    # run-fargate / run-lambda --count must say the same number: each worker runs 1/${workers}.`);
  lines.push(`    workers: ${workers}`);
  if (input.sets.length) {
    lines.push('    set:');
    for (const s of input.sets) lines.push(`      - ${q(s)}`);
  }
  lines.push('  # Shipped to Fargate and Lambda workers beside this script.');
  lines.push('  includeFiles:');
  for (const f of input.includeFiles) lines.push(`    - ${q(f)}`);
  lines.push('  plugins:');
  lines.push('    ensure: {}');
  if (t.conditions.length) {
    lines.push("  # The scenario's thresholds, judged on the merged whole-run metrics; a failure exits 1.");
    lines.push('  ensure:');
    lines.push('    conditions:');
    for (const c of t.conditions) {
      lines.push(`      # ${c.source}`);
      lines.push(`      - expression: ${q(c.expression)}`);
      lines.push('        strict: true');
    }
  }
  lines.push('scenarios:');
  lines.push(`  - name: ${q(plan.name)}`);
  lines.push('    engine: stampede');
  return lines.join('\n') + '\n';
}

function packageJsonText(input: ExportInput): string {
  const pkg = {
    name: `${input.slug}-artillery`,
    private: true,
    description: `${input.plan.name}: the Stampede scenario on ${input.workers} Artillery worker${input.workers === 1 ? '' : 's'}`,
    scripts: {
      test: exportCommands(input).local.replace(/^npx /, ''),
      'test:fargate': exportCommands(input).fargate.replace(/^npx /, ''),
    },
    dependencies: {
      'artillery-engine-stampede': ENGINE_VERSION,
      artillery: ARTILLERY_VERSION,
    },
    // The CLI, for `npx stampede report --from-artillery` here (its npm name: `stampede` is an
    // unrelated package, so a bare `npx stampede` must find this local install).
    devDependencies: { [CLI_PACKAGE]: ENGINE_VERSION },
    engines: { node: ARTILLERY_NODE },
  };
  return JSON.stringify(pkg, null, 2) + '\n';
}

function readmeText(input: ExportInput, t: ThresholdTranslation): string {
  const c = exportCommands(input);
  const n = input.workers;
  const untranslated = t.untranslated.length
    ? t.untranslated.map((u) => `- \`${u.source}\` — ${u.reason}.`).join('\n')
    : '- none: every threshold is in the `ensure` block.';
  return `# ${input.plan.name} on Artillery workers

Written by \`stampede export artillery --workers ${n}\`. Export again after changing the scenario
rather than editing these files.

| File | What it is |
| --- | --- |
| \`${input.scriptFile}\` | the Artillery script: engine \`stampede\`, ${n} worker${n === 1 ? '' : 's'} each running 1/${n} of the load, the thresholds as \`ensure\` conditions |
${input.includeFiles.map((f) => `| \`${f}\` | ${f === input.scenarioFile ? 'the scenario, unchanged' : 'a file the scenario reads'} |`).join('\n')}
| \`package.json\` | pins \`artillery-engine-stampede@${ENGINE_VERSION}\`, \`artillery@${ARTILLERY_VERSION}\` and the Stampede CLI, \`${CLI_PACKAGE}@${ENGINE_VERSION}\` (for the report) |

Artillery ${ARTILLERY_VERSION} wants Node ${ARTILLERY_NODE} (it runs on Node 20 with a warning); its Fargate and
Lambda workers bring their own Node.

## Install

\`\`\`sh
${c.install}
\`\`\`

\`artillery-engine-stampede\` is built from the Stampede repository (\`npm pack\` in
\`packages/artillery-engine-stampede\` after \`npm run build\`). Until it is on the registry your
workers install from, install the tarball here with \`npm install /path/to/artillery-engine-stampede-${ENGINE_VERSION}.tgz\`.
Fargate and Lambda workers install the dependencies of this package.json from the npm registry
(or the one a \`.npmrc\` here names): publish the engine there first.

## Run

One worker on this machine (it runs 1/${n} of the load — a check before the distributed run):

\`\`\`sh
${c.local}
\`\`\`

All ${n} workers on AWS Fargate in your account (each runs 1/${n}; Artillery merges their metrics):

\`\`\`sh
${c.fargate}
\`\`\`

or on AWS Lambda: \`${c.lambda}\`.

AWS setup for both: credentials in the environment (\`aws configure\` or \`AWS_PROFILE\`) for an IAM
identity allowed to run Artillery's Fargate or Lambda workers — Artillery's docs give the policy,
and \`npx artillery\` creates the ECS cluster, S3 bucket and SQS queue it needs on first use. The
workers must reach the target URLs in the scenario; \`\${secret:NAME}\` values come from the
workers' environment as \`STAMPEDE_SECRET_NAME\` or \`NAME\`: on Fargate, store it in SSM Parameter
Store as \`/artilleryio/NAME\` in the test's region and add \`--secret NAME\`; on Lambda, put it in a
dotenv file and add \`--dotenv FILE\`.

## Stampede's report from Artillery's output

\`\`\`sh
${c.report}
\`\`\`

Percentiles there are Artillery's merged sketches (DDSketch, ±1 %, lower rank), not Stampede's HDR
histograms, and the series has one point per 10-second period.

## Thresholds not checked by Artillery

${untranslated}
${input.notes.length ? `\n## Notes\n\n${input.notes.map((n) => `- ${n}.`).join('\n')}\n` : ''}`;
}

export function buildExport(input: ExportInput): ExportedFiles {
  const translation = translateThresholds(input.plan);
  return {
    script: scriptText(input, translation),
    packageJson: packageJsonText(input),
    readme: readmeText(input, translation),
    translation,
    commands: exportCommands(input),
  };
}
