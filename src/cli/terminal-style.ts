// Cursor control and the colour decision for the terminal. Colour only on a TTY, never when
// NO_COLOR is set.
export const ansi = {
  hideCursor: '\u001b[?25l',
  showCursor: '\u001b[?25h',
  /** Moves the cursor to the start of the line n lines up. */
  up: (n: number) => `\u001b[${n}F`,
  clearDown: '\u001b[J',
};

export function useColor(isTTY: boolean, env: Record<string, string | undefined>, flag?: boolean): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return isTTY && env.TERM !== 'dumb';
}

/** Stampede's own escape sequences: the palette's colours and the live view's cursor moves. */
const OWN_SEQUENCE = /\u001b\[(?:[0-9;]*m|\?25[lh]|[0-9]*F|J)/y;
/** C0 controls but tab and newline, DEL, C1 controls, line/paragraph separators and the
 * bidirectional overrides that can make a terminal line read differently from its bytes. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text as it may reach a terminal: every control character from a scenario, a file name or a
 * server's answer is shown as a `\u001b`-style escape instead of acting on the terminal
 * (clearing it, retitling it, moving the cursor). With `ownSequences`, Stampede's own colour
 * and cursor sequences pass; a colour-free output keeps none.
 */
export function escapeControlChars(text: string, ownSequences = false): string {
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(text)) return text;
  CONTROL.lastIndex = 0;
  if (!ownSequences) return text.replace(CONTROL, escapeOne);
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.charCodeAt(i) === 0x1b) {
      OWN_SEQUENCE.lastIndex = i;
      const m = OWN_SEQUENCE.exec(text);
      if (m) {
        out += m[0];
        i += m[0].length;
        continue;
      }
    }
    const c = text[i];
    out += c.replace(CONTROL, escapeOne);
    i++;
  }
  return out;
}

function escapeOne(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

let ownSequencesAllowed = false;

/** Whether the CLI prints colours and moves the cursor itself (a TTY, or --color). */
export function allowOwnSequences(allowed: boolean): void {
  ownSequencesAllowed = allowed;
}

/**
 * Routes every string written to stdout and stderr through escapeControlChars, so no command,
 * message or report path can print a raw control byte. Installed once by the CLI's entry point.
 */
export function guardTerminalOutput(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => write(typeof chunk === 'string' ? escapeControlChars(chunk, ownSequencesAllowed) : chunk, ...rest)) as typeof stream.write;
  }
}
