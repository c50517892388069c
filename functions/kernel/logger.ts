import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs. Never pass tokens, passwords or BAM credentials to it. */
export const logger = new Logger({ serviceName: 'failover-gateway' });
