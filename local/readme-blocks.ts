/**
 * The shell blocks of README.md and the docs/*.md pages as `npm run readme:check` runs them: which ones run, which run in the
 * same terminal as the one before, and the output each one shows in its comments. Pure, so the
 * rules are unit-tested.
 */
export interface ShellBlock {
  /** 1-based position among the page's sh blocks. */
  index: number;
  heading: string;
  code: string;
  /** Marked ```sh no-check: AWS-only, or `npm start` itself. */
  skip: boolean;
  /** The prose before it says to go on in the same terminal: same stack, same variables. */
  continues: boolean;
  /** `"key":value` fragments its comments show; each must appear in what the block prints. */
  expected: string[];
}

/** The marker of a block the checker must not run. */
export const NO_CHECK = 'no-check';

const FENCE = /^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;
const CONTINUES = /\b(?:continuing|in the same terminal)\b/i;

export function shellBlocks(page: string): ShellBlock[] {
  const blocks: ShellBlock[] = [];
  let last = 0;
  let heading = '';
  for (const m of page.matchAll(FENCE)) {
    const before = page.slice(last, m.index);
    const headings = [...before.matchAll(/^#{2,4} (.+)$/gm)];
    if (headings.length) heading = headings[headings.length - 1]![1]!.trim();
    last = m.index + m[0].length;
    const info = m[1]!.trim().split(/\s+/);
    if (info[0] !== 'sh' && info[0] !== 'bash') continue;
    // Only the prose since the previous block (and below any heading) decides whether this one continues it.
    const prose = before.split(/^#{2,4} .+$/m).pop() ?? '';
    blocks.push({ index: blocks.length + 1, heading, code: m[2]!, skip: info.includes(NO_CHECK), continues: CONTINUES.test(prose), expected: expectedFragments(m[2]!) });
  }
  return blocks;
}

/**
 * The JSON fragments a block's comments promise: `"key":"text"`, `"key":123`, `"key":true|false|null`,
 * written without a space after the colon as the API prints them. Fragments with placeholders
 * (`<...>`, `...`) promise nothing exact and are left out.
 */
export function expectedFragments(code: string): string[] {
  const out: string[] = [];
  for (const line of code.split('\n')) {
    const hash = commentStart(line);
    if (hash < 0) continue;
    for (const f of line.slice(hash).matchAll(/"[A-Za-z_][\w-]*":(?:"(?:[^"\\]|\\.)*"|true|false|null|-?\d+(?:\.\d+)?)/g)) {
      if (/<|\.\.\./.test(f[0])) continue;
      out.push(f[0]);
    }
  }
  return [...new Set(out)];
}

/** Where a line's shell comment starts (-1: none): a # at the start or after whitespace, outside quotes. */
function commentStart(line: string): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return i;
  }
  return -1;
}

/** A page's workflow example (the ts block of its "Writing a workflow" section, in docs/workflows.md) and where it says to save it. */
export function workflowExample(page: string): { file: string; code: string } | undefined {
  const start = page.indexOf('## Writing a workflow');
  if (start < 0) return undefined;
  const section = page.slice(start);
  const file = /Save this as `([^`]+\.ts)`/.exec(section)?.[1];
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  return file && code ? { file, code } : undefined;
}
