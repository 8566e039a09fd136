export type { OpenAICompatibleConfig } from './chat/openai-chat.js'
export { createOpenAICompatibleAdapter } from './chat/openai-chat.js'
export type { ChatRequestDialect } from './chat/openai-chat-request.js'
export { type ChatUsageWire, chatUsage, type ReadUsage } from './chat/openai-chat-response.js'
export {
  type EmbeddingUsageWire,
  type OpenAICompatibleEmbeddings,
  type OpenAICompatibleEmbeddingsOptions,
  openaiCompatibleEmbeddings,
} from './embeddings/openai-compatible-embeddings.js'
export type { ModelsEndpointConfig } from './models-endpoint.js'
export { type OpenAIOptions, openai, openaiAdapter } from './openai.js'
export type { ClientConfig } from './openai-client.js'
export { openaiPrices } from './openai-prices.js'
export { createOpenAIResponsesAdapter, type OpenAIResponsesConfig } from './responses/openai-responses.js'
