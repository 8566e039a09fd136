export { chatFinishReason } from './chat-finish-reason.js'
export { type ChatRequestDialect, chatRequestBody } from './chat-request-body.js'
export { chatUsage } from './chat-usage.js'
export type { ClientConfig } from './client-resolver.js'
export type { ModelsEndpointConfig } from './models-endpoint.js'
export { type OpenAIOptions, openai, openaiAdapter } from './openai.js'
export {
  createOpenAICompatibleAdapter,
  type OpenAICompatibleConfig,
  type ReadUsage,
} from './openai-compatible-adapter.js'
export { mapOpenAIError, mapOpenAIStreamError, type OpenAIErrorContext } from './openai-error.js'
export { openaiPrices } from './openai-prices.js'
export { createOpenAIResponsesAdapter, type OpenAIResponsesConfig } from './openai-responses-adapter.js'
export { responsesUsage } from './responses-usage.js'
export { toChatMessages } from './to-chat-messages.js'
export { toResponsesInput } from './to-responses-input.js'
export {
  createToolCallAssembler,
  type ToolCallAssembler,
  type ToolCallFragment,
} from './tool-call-assembler.js'
export { validateOptions } from './validate-options.js'
