import 'aws-sdk-client-mock-vitest/extend';
import { inject } from 'vitest';
import { shareFailoverTls } from '../../local/bam-sim/tls.js';

// Every file's simulated clusters use the run's one TLS set (test/support/global-setup.ts) instead of
// generating their own: RSA key generation in each file's module graph cost the run about 50 CPU-seconds.
const tls = inject('failoverTls');
if (tls) shareFailoverTls(tls);
