export type { BamRole, BamServer, ProbeFailure, ProbeResult, ProbeSource } from '../../kernel/bam-types.js';
