import { parseArgs } from 'node:util';

/**
 * One shape for every script's command line (`npm start`, the benchmarks, the generators): a
 * usage text built from the same declaration the parser uses, so help and behaviour cannot
 * disagree; `--help`/`-h` prints it and exits 0; an unknown option or a bad value is one line on
 * stderr and exit 2, never a stack trace.
 */
export interface OptionSpec {
  /** Integers are checked against min/max and answered as numbers. */
  type: 'integer' | 'string' | 'boolean';
  short?: string;
  /** Shown in the usage line, e.g. N. */
  value?: string;
  default?: number | string;
  min?: number;
  max?: number;
  description: string;
}

export interface CommandSpec {
  /** How to run it, e.g. `npm run bench:load --`. */
  command: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Environment variables it reads: [name, meaning]. */
  env?: [string, string][];
  /** Anything else worth a line at the end. */
  notes?: string[];
}

export type Values = Record<string, number | string | boolean | undefined>;
export type Parsed = { kind: 'help'; text: string } | { kind: 'error'; message: string } | { kind: 'ok'; values: Values };

export function usage(spec: CommandSpec): string {
  const flag = (name: string, o: OptionSpec) => `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'boolean' ? '' : ` ${o.value ?? 'N'}`}`;
  const rows: [string, string][] = Object.entries(spec.options).map(([name, o]) => {
    const range = o.min !== undefined && o.max !== undefined ? `${o.min}..${o.max}` : o.min !== undefined ? `>= ${o.min}` : '';
    const extra = [range, o.default !== undefined ? `default ${o.default}` : ''].filter(Boolean).join(', ');
    return [flag(name, o), `${o.description}${extra ? ` (${extra})` : ''}`];
  });
  rows.push(['-h, --help', 'this text']);
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  const lines = [`usage: ${spec.command}${Object.keys(spec.options).length ? ' [options]' : ''}`, '', spec.summary, '', 'options:', ...rows.map(([f, d]) => `  ${f.padEnd(width)}${d}`)];
  if (spec.env?.length) {
    const w = Math.max(...spec.env.map(([n]) => n.length)) + 2;
    lines.push('', 'environment:', ...spec.env.map(([n, d]) => `  ${n.padEnd(w)}${d}`));
  }
  if (spec.notes?.length) lines.push('', ...spec.notes);
  return lines.join('\n');
}

/** Parses argv against the spec; never throws and never exits (bin scripts call `cli`). */
export function parseCommandLine(spec: CommandSpec, argv: string[]): Parsed {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(spec.options)) options[name] = { type: o.type === 'boolean' ? 'boolean' : 'string', ...(o.short ? { short: o.short } : {}) };
  let raw: Record<string, string | boolean | undefined>;
  try {
    raw = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as typeof raw;
  } catch (err) {
    // parseArgs' own messages name the option; its stack is of no use to a user.
    return { kind: 'error', message: (err as Error).message.split('\n')[0]! };
  }
  if (raw.help) return { kind: 'help', text: usage(spec) };
  const values: Values = {};
  for (const [name, o] of Object.entries(spec.options)) {
    const given = raw[name];
    if (o.type === 'boolean') values[name] = given === true;
    else if (o.type === 'string') values[name] = (given as string | undefined) ?? (o.default as string | undefined);
    else {
      const text = given === undefined ? String(o.default ?? '') : String(given);
      const n = Number(text);
      const ok = text.trim() !== '' && Number.isInteger(n) && (o.min === undefined || n >= o.min) && (o.max === undefined || n <= o.max);
      if (!ok) {
        const range = o.min !== undefined && o.max !== undefined ? ` from ${o.min} to ${o.max}` : o.min !== undefined ? ` of at least ${o.min}` : '';
        return { kind: 'error', message: `--${name} must be an integer${range}, not "${text}"` };
      }
      values[name] = n;
    }
  }
  return { kind: 'ok', values };
}

/** For bin scripts: the parsed values, or the help text (exit 0) or an error and a hint (exit 2). */
export function cli(spec: CommandSpec, argv = process.argv.slice(2)): Values {
  const parsed = parseCommandLine(spec, argv);
  if (parsed.kind === 'help') {
    console.log(parsed.text);
    process.exit(0);
  }
  if (parsed.kind === 'error') {
    console.error(`error: ${parsed.message}\nRun with --help for the options.`);
    process.exit(2);
  }
  return parsed.values;
}
