// Styling hooks for plain-text output (terminal, the editor's output channel): a palette that
// either colours with ANSI codes or leaves text as is. Pure.

export interface Palette {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

export const colorPalette: Palette = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  cyan: wrap(36, 39),
};

const same = (s: string) => s;
export const plainPalette: Palette = { bold: same, dim: same, red: same, green: same, yellow: same, cyan: same };
