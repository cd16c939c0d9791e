// `stampede mock`: runs the embedded mock provider in the foreground until SIGINT/SIGTERM.
import { startMockServer } from '../mock/mock-server';
import { MOCK_PROFILE_NAMES, describeMockProfile, isMockProfileName, resolveMockProfile } from '../mock/profiles';
import { suggestionSuffix } from '../core/did-you-mean';
import { parseOrExit, parseWhole, usageError, UsageError, type CommandSpec, type ParsedCommandLine } from './command-line';

export const MOCK_COMMAND: CommandSpec = {
  name: 'mock',
  synopsis: '[options]',
  summary: 'Runs the embedded mock AI provider (OpenAI-compatible, a simulated GPU) until Ctrl-C or SIGTERM.',
  options: {
    port: { type: 'string', value: 'N', description: 'port to listen on; 0 picks a free one', default: '8000' },
    host: { type: 'string', value: 'HOST', description: 'address to bind', default: '127.0.0.1' },
    profile: { type: 'string', value: 'NAME', description: `one of ${MOCK_PROFILE_NAMES.join(', ')}`, default: 'small-gpu' },
    seed: { type: 'string', value: 'N', description: 'seed of every draw (answer lengths, ids)', default: '1' },
    set: { type: 'string', value: 'KEY=VALUE', multiple: true, description: 'override a profile parameter, e.g. --set batchSlots=4' },
  },
  epilog: 'Exit codes: 0 stopped by Ctrl-C or SIGTERM, 2 bad usage or the port is in use, 70 internal error.',
};

interface MockFlags {
  port: number;
  host: string;
  profile: string;
  seed: number;
  overrides: Record<string, string>;
}

function mockFlags(values: ParsedCommandLine['values'], positionals: string[]): MockFlags {
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const flags: MockFlags = {
    port: parseWhole('--port', (values.port as string | undefined) ?? '8000', 0, 65535),
    host: (values.host as string | undefined) ?? '127.0.0.1',
    profile: (values.profile as string | undefined) ?? 'small-gpu',
    seed: parseWhole('--seed', (values.seed as string | undefined) ?? '1', 0, 2 ** 32 - 1),
    overrides: {},
  };
  if (!isMockProfileName(flags.profile)) {
    throw new UsageError(`unknown profile '${flags.profile}'${suggestionSuffix(flags.profile, MOCK_PROFILE_NAMES)}; valid profiles: ${MOCK_PROFILE_NAMES.join(', ')}`);
  }
  for (const setting of (values.set as string[] | undefined) ?? []) {
    const at = setting.indexOf('=');
    if (at <= 0) throw new UsageError(`--set expects key=value, got '${setting}'`);
    flags.overrides[setting.slice(0, at)] = setting.slice(at + 1);
  }
  return flags;
}

export async function runMockCommand(args: string[]): Promise<number> {
  const parsed = parseOrExit(MOCK_COMMAND, args);
  if (typeof parsed === 'number') return parsed;
  let flags: MockFlags;
  try {
    flags = mockFlags(parsed.values, parsed.positionals);
    resolveMockProfile(flags.profile, flags.overrides);
  } catch (error) {
    // A usage error, or an unknown or invalid profile parameter: both are the user's to fix.
    return usageError(MOCK_COMMAND, error instanceof Error ? error.message : String(error));
  }
  let server;
  try {
    server = await startMockServer({
      port: flags.port,
      host: flags.host,
      profile: flags.profile as Parameters<typeof startMockServer>[0]['profile'],
      seed: flags.seed,
      overrides: flags.overrides,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'EADDRINUSE' ? ' (choose another with --port, or --port 0 for any free port)' : '';
    process.stderr.write(`stampede mock: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
    return 2;
  }
  const running = server;
  process.stdout.write(`stampede mock listening on ${running.url} (OpenAI base URL ${running.url}/v1, metrics ${running.url}/metrics)\n`);
  for (const line of describeMockProfile(flags.profile, running.profile)) process.stdout.write(line + '\n');
  process.stdout.write('press Ctrl-C to stop\n');
  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      const c = running.counters();
      running.close().then(() => {
        process.stdout.write(`stampede mock: stopped on ${signal} after ${c.requests} requests (${c.completed} completed, ${c.rateLimited} rate-limited, ${c.queueRejected} rejected)\n`);
        resolve(0);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
