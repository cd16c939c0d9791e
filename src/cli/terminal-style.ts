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
