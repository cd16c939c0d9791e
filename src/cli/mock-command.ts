// `stampede mock`: runs the embedded mock provider in the foreground until SIGINT/SIGTERM.
import { startMockServer } from '../mock/mock-server';
import { MOCK_PROFILE_NAMES, describeMockProfile, isMockProfileName, resolveMockProfile } from '../mock/profiles';

const USAGE = 'usage: stampede mock [--port N] [--host H] [--profile P] [--seed N] [--set key=value]...';

interface MockFlags {
  port: number;
  host: string;
  profile: string;
  seed: number;
  overrides: Record<string, string>;
}

class UsageError extends Error {}

function parseFlags(args: string[]): MockFlags {
  const flags: MockFlags = { port: 8000, host: '127.0.0.1', profile: 'small-gpu', seed: 1, overrides: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${name} needs a value`);
      i++;
      return next;
    };
    switch (name) {
      case '--port':
        flags.port = parseWhole(name, value(), 0, 65535);
        break;
      case '--host':
        flags.host = value();
        break;
      case '--profile':
        flags.profile = value();
        if (!isMockProfileName(flags.profile)) {
          throw new UsageError(`unknown profile '${flags.profile}'; valid profiles: ${MOCK_PROFILE_NAMES.join(', ')}`);
        }
        break;
      case '--seed':
        flags.seed = parseWhole(name, value(), 0, 2 ** 32 - 1);
        break;
      case '--set': {
        const setting = value();
        const at = setting.indexOf('=');
        if (at <= 0) throw new UsageError(`--set expects key=value, got '${setting}'`);
        flags.overrides[setting.slice(0, at)] = setting.slice(at + 1);
        break;
      }
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown option '${arg}'`);
    }
  }
  return flags;
}

function parseWhole(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${text}'`);
  }
  return value;
}

export async function runMockCommand(args: string[]): Promise<number> {
  let flags: MockFlags;
  try {
    flags = parseFlags(args);
    resolveMockProfile(flags.profile, flags.overrides);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message === '') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    process.stderr.write(`stampede mock: ${message} (see stampede mock --help)\n`);
    return 2;
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
  process.stdout.write(`  speaks OpenAI chat completions and Responses (${running.url}/v1), Anthropic Messages (base URL ${running.url}) and Gemini (base URL ${running.url}/v1beta)\n`);
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
