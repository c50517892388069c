import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/wiring/config.js';

const base = {
  TABLE_NAME: 'gateway',
  BAM_SERVERS: 'bam1=http://10.0.0.1/,bam2=https://bam2.example.com',
  GATEWAY_SERVICE_USERNAME: 'svc',
  GATEWAY_SERVICE_PASSWORD: 'pw',
  CREDENTIAL_KEY: Buffer.alloc(32, 1).toString('base64'),
};

describe('configuration', () => {
  it('parses servers, defaults and admins', () => {
    const c = parseConfig(base);
    expect(c.servers).toEqual([
      { name: 'bam1', url: 'http://10.0.0.1' },
      { name: 'bam2', url: 'https://bam2.example.com' },
    ]);
    expect(c).toMatchObject({
      apiVersion: 2,
      bamTimeoutMs: 5000,
      probe: { intervalMs: 1000, timeoutMs: 1000, failuresBeforeFailover: 2 },
      switchoverBoundMs: 10_000,
      admins: ['svc'],
      localMode: false,
    });
  });

  it.each([
    ['a server without a URL', { BAM_SERVERS: 'bam1' }, /BAM_SERVERS/],
    ['a server URL that is not http', { BAM_SERVERS: 'bam1=ftp://x' }, /BAM_SERVERS/],
    ['an unknown API version', { BAM_API_VERSION: '3' }, /BAM_API_VERSION/],
    ['a short credential key', { CREDENTIAL_KEY: 'c2hvcnQ=' }, /CREDENTIAL_KEY: must be 32 bytes/],
    ['a zero probe interval', { MONITOR_PROBE_INTERVAL_MS: '0' }, /MONITOR_PROBE_INTERVAL_MS/],
    ['no table', { TABLE_NAME: undefined }, /TABLE_NAME/],
    ['a switchover bound past what API Gateway waits for', { SWITCHOVER_BOUND_MS: '30000' }, /SWITCHOVER_BOUND_MS/],
  ])('names the variable at fault: %s', (_, override, pattern) => {
    expect(() => parseConfig({ ...base, ...override })).toThrow(pattern);
  });
});
