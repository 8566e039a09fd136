import { z } from 'zod'

// What `ai.conversation()` takes: which conversation to load, or what to create.

/** Fields that only creating a conversation sets. */
const creationFields = ['title', 'model', 'system', 'metadata'] as const

export const conversationOptionsSchema = z
  .strictObject({
    /**
     * Loads the stored conversation with this id (NotFoundError when there is none for the owner
     * given); with `create: true`, creates a conversation with this id. Without it, a new
     * conversation gets a generated id.
     */
    id: z.string().min(1).optional(),
    /** Creates the conversation `id` names, instead of loading it. */
    create: z.boolean().optional(),
    /** At creation, the owner; when loading, the owner it must have. */
    tenantId: z.string().min(1).optional(),
    userId: z.string().min(1).optional(),
    projectId: z.string().min(1).optional(),
    title: z.string().optional(),
    /** This conversation's model, "provider:model"; it overrides the user's preference and the default. */
    model: z.string().min(1).optional(),
    /** A system prompt, stored as the conversation's first message when it is created. */
    system: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((options, ctx) => {
    if (options.id === undefined || options.create) return
    for (const field of creationFields) {
      if (options[field] === undefined) continue
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message:
          'is set only when a conversation is created; to create one with this id, pass `create: true`',
      })
    }
  })

export type ConversationOptions = z.input<typeof conversationOptionsSchema>
