// Quick fixes derived from a problem's message, so core stays the one place that knows what is
// wrong: "did you mean 'x'?" replaces the flagged text with x; "has no unit: write 30s or 30ms"
// offers each written form. Pure (no vscode) so it is unit-tested.

export interface TextFix {
  title: string;
  replacement: string;
  /** The fix the user most likely wants (offered as the preferred quick fix). */
  preferred: boolean;
}

export function fixesForProblem(code: string | undefined, message: string, flaggedText: string): TextFix[] {
  const quoted = /did you mean '([^']+)'\?/.exec(message);
  if (quoted) return [{ title: `Change to '${quoted[1]}'`, replacement: quoted[1], preferred: true }];
  const bare = /did you mean (\S+?)\?/.exec(message);
  if (bare) {
    const number = /\d+(?:\.\d+)?/.exec(bare[1])?.[0];
    // "5 is above 1 for a fraction — did you mean 5%?": the flagged text is the number.
    if (number && flaggedText.trim() === number) return [{ title: `Change to ${bare[1]}`, replacement: bare[1], preferred: true }];
  }
  const unit = /has no unit: write (\S+) or (\S+)/.exec(message);
  if (unit) {
    return [unit[1], unit[2]].map((replacement, i) => ({ title: `Change to ${replacement}`, replacement, preferred: i === 0 && code !== undefined }));
  }
  return [];
}
