// Evaluates the arithmetic of the `ensure` expressions that artillery-metrics.ts writes — names
// (dots allowed), numbers, + - * / and parentheses — against a report's values, so Stampede
// judges a threshold on exactly the formula Artillery checks. Pure.

/** The value, or null when a name has no value or a division has a zero denominator (no data). */
export function evaluateFormula(text: string, values: (name: string) => number | undefined): number | null {
  let i = 0;
  let missing = false;
  const skip = () => {
    while (text[i] === ' ') i++;
  };
  const fail = (what: string): never => {
    throw new Error(`formula '${text}': ${what} at ${i}`);
  };
  const primary = (): number => {
    skip();
    if (text[i] === '(') {
      i++;
      const v = sum();
      skip();
      if (text[i] !== ')') fail("expected ')'");
      i++;
      return v;
    }
    if (text[i] === '-') {
      i++;
      return -primary();
    }
    const number = /^\d+(?:\.\d+)?/.exec(text.slice(i));
    if (number) {
      i += number[0].length;
      return Number(number[0]);
    }
    const name = /^[A-Za-z_][\w.]*/.exec(text.slice(i));
    if (!name) return fail('expected a number or a name');
    i += name[0].length;
    const v = values(name[0]);
    if (v === undefined || !Number.isFinite(v)) {
      missing = true;
      return 0;
    }
    return v;
  };
  const product = (): number => {
    let v = primary();
    for (;;) {
      skip();
      const op = text[i];
      if (op !== '*' && op !== '/') return v;
      i++;
      const r = primary();
      if (op === '*') v *= r;
      else if (r === 0) {
        missing = true;
        v = 0;
      } else v /= r;
    }
  };
  const sum = (): number => {
    let v = product();
    for (;;) {
      skip();
      const op = text[i];
      if (op !== '+' && op !== '-') return v;
      i++;
      const r = product();
      v = op === '+' ? v + r : v - r;
    }
  };
  const value = sum();
  skip();
  if (i < text.length) fail('unexpected text');
  return missing ? null : value;
}
