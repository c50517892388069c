/**
 * Global secondary index of sessions by user (key attribute `sessionUser`, only on session items,
 * so the index holds nothing else). It projects what the admin listing needs, never the credential.
 * Kept free of imports: the CDK app and the local table setup read it without loading the SDK clients.
 */
export const SESSIONS_BY_USER_INDEX = 'sessionsByUser';
export const SESSIONS_BY_USER_PROJECTION = ['sessionId', 'username', 'target', 'boundServer', 'restorable', 'createdAt', 'lastSeenAt', 'expiresAt'];
