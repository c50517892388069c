import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandLine, usage } from '../../bin/cli-options.js';
import { COMMANDS, TEST_BROWSER } from '../../bin/commands.js';
import { explainStartError, resolvePort, DEFAULT_PORT } from '../../local/start-port.js';

const root = path.resolve(import.meta.dirname, '../..');

/** Runs a script as `npm run <name> -- <args>` does (tsx), and answers its exit code and output. */
function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('--help on every script', () => {
  const entries = Object.entries(COMMANDS);

  it.each(entries)('%s: the usage names the command, every option with its default, and --help', (_name, { spec }) => {
    const text = usage(spec);
    expect(text).toContain(`usage: ${spec.command}`);
    for (const [option, o] of Object.entries(spec.options)) {
      expect(text).toContain(`--${option}`);
      if (o.default !== undefined) expect(text).toContain(`default ${o.default}`);
    }
    for (const [variable] of spec.env ?? []) expect(text).toContain(variable);
    expect(text).toContain('-h, --help');
  });

  it('each script prints its usage on --help and exits 0, and refuses an unknown option in one line (exit 2)', async () => {
    const results = await Promise.all(
      entries.flatMap(([name, { script, spec }]) => [
        run(script, ['--help']).then((r) => ({ name, spec, kind: 'help' as const, r })),
        run(script, ['--no-such-option']).then((r) => ({ name, spec, kind: 'bad' as const, r })),
      ]),
    );
    for (const { name, spec, kind, r } of results) {
      if (kind === 'help') {
        expect({ name, code: r.code }).toEqual({ name, code: 0 });
        expect(r.stdout).toContain(usage(spec));
      } else {
        expect({ name, code: r.code }).toEqual({ name, code: 2 });
        expect(r.stderr).toContain("Unknown option '--no-such-option'");
        expect(r.stderr).toContain('--help');
        expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      }
    }
  }, 120_000); // some thirty tsx processes at once: slow on a loaded two-core machine

  it('test:browser answers --help itself and passes every other argument to vitest', async () => {
    const r = await run('bin/test-browser.ts', ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(usage(TEST_BROWSER));
  });

  it('user-manager keeps its own usage on --help', async () => {
    const r = await run('bin/user-manager.ts', ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: npm run -s user-manager');
  });
});

describe('option values', () => {
  it('integers are checked against their range, with the default when absent', () => {
    const spec = COMMANDS['bench:load']!.spec;
    const flapping = { flapping: false, flaps: 10, 'flap-ms': 100, 'flap-every': 500 };
    expect(parseCommandLine(spec, [])).toEqual({ kind: 'ok', values: { clients: 100, 'blip-ms': 400, ...flapping } });
    expect(parseCommandLine(spec, ['--clients', '7'])).toEqual({ kind: 'ok', values: { clients: 7, 'blip-ms': 400, ...flapping } });
    expect(parseCommandLine(spec, ['--flapping', '--clients', '20'])).toEqual({ kind: 'ok', values: { clients: 20, 'blip-ms': 400, ...flapping, flapping: true } });
    expect(parseCommandLine(spec, ['--clients', '1'])).toEqual({ kind: 'error', message: '--clients must be an integer from 2 to 1000, not "1"' });
    expect(parseCommandLine(spec, ['--clients', 'many'])).toMatchObject({ kind: 'error' });
    expect(parseCommandLine(spec, ['stray'])).toMatchObject({ kind: 'error', message: expect.stringContaining('stray') });
  });
});

describe('PORT and taken ports', () => {
  it('an empty or invalid PORT is a warning and the default; PORT=0 still means free ports', () => {
    expect(resolvePort(undefined)).toEqual({ port: DEFAULT_PORT }); // 3000, README's port: parsed here, never bound by a test
    expect(resolvePort('4100')).toEqual({ port: 4100 });
    expect(resolvePort('0')).toEqual({ port: 0 });
    for (const raw of ['', ' ', 'abc', '-1', '3000x', '65535', '1.5']) {
      const r = resolvePort(raw);
      expect(r.port).toBe(3000);
      expect(r.warning).toMatch(/^warning: PORT/);
    }
  });

  it('EADDRINUSE names the node whose port is taken', () => {
    const taken = (p: number) => Object.assign(new Error(`listen EADDRINUSE: address already in use 127.0.0.1:${p}`), { code: 'EADDRINUSE' });
    expect(explainStartError(taken(4101), 4100)).toContain("node b's port (PORT+1 = 4101) is already in use");
    expect(explainStartError(taken(4100), 4100)).toContain("node a's port (PORT = 4100) is already in use");
    // From node b's worker thread the error arrives as a plain message.
    expect(explainStartError(new Error('listen EADDRINUSE: address already in use 127.0.0.1:4101'), 4100)).toContain("node b's port");
    expect(explainStartError(new Error('something else'), 4100)).toBe('something else');
  });
});
