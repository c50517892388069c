/**
 * Global secondary index of sessions by user (key attribute `sessionUser`, only on session items,
 * so the index holds nothing else). It projects what the admin listing needs, never the credential.
 * Kept free of imports: the CDK app and the local table setup read it without loading the SDK clients.
 */
export const SESSIONS_BY_USER_INDEX = 'sessionsByUser';
export const SESSIONS_BY_USER_PROJECTION = ['sessionId', 'username', 'target', 'boundServer', 'restorable', 'createdAt', 'lastSeenAt', 'expiresAt'];

/**
 * Global secondary index of sessions by the server they are bound to (`boundServer`, only on
 * session items) and `expiresAt` (number): a session count per host is a Query of the live range,
 * a few pages whatever the number of sessions. It projects only what decides whether the host
 * would still serve a session (never the credential), and nothing a touch changes but `expiresAt`.
 */
export const SESSIONS_BY_SERVER_INDEX = 'sessionsByServer';
export const SESSIONS_BY_SERVER_PROJECTION = ['target', 'restorable', 'epoch', 'serverIncarnation'];
