import type { ProbeResult } from '../../kernel/bam-types.js';

export type { BamRole, BamServer, ProbeFailure, ProbeResult, ProbeSource } from '../../kernel/bam-types.js';

/** A probe that answered, and one that did not (the monitor's rules treat them apart). */
export type AnsweredProbe = Extract<ProbeResult, { ok: true }>;
export type FailedProbe = Extract<ProbeResult, { ok: false }>;
