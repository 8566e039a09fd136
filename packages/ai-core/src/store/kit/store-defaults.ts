/** How many conversations listConversations returns when the query sets no limit. */
export const DEFAULT_CONVERSATION_PAGE_SIZE = 50

/** How many audit entries listAudit returns when the filter sets no limit. */
export const DEFAULT_AUDIT_LIMIT = 100
