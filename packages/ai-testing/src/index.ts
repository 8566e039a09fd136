export {
  type AnthropicBatchAnswer,
  type AnthropicBatchProtocol,
  type AnthropicBatchProtocolOptions,
  type AnthropicBatchRequest,
  anthropicBatchProtocol,
} from './anthropic-batch-protocol.js'
export { type AnthropicProtocolOptions, anthropicProtocol } from './anthropic-protocol.js'
export {
  type BenchmarkStoreWritesOptions,
  benchmarkStoreWrites,
  runStoreWritesBenchmark,
  type StoreWritesBenchmarkOptions,
} from './benchmark-store-writes.js'
export { fakeEmbedding } from './fake-embedding.js'
export {
  createFakeServer,
  type FakeRequest,
  type FakeServer,
  type FakeServerOptions,
  type FakeServerTurn,
  type FixedRoute,
  isScriptedRawAnswer,
  ndjsonLine,
  type ScriptedRawAnswer,
  type ScriptedRoute,
  sseEvent,
  type WireFrame,
  type WireProtocol,
  type WireResponse,
  type WireRoute,
} from './fake-server.js'
export { fakeJsonTokenCount, fakeTokenCount } from './fake-token-count.js'
export {
  type GeminiBatchAnswer,
  type GeminiBatchProtocol,
  type GeminiBatchProtocolOptions,
  type GeminiBatchRequest,
  type GeminiBatchStep,
  geminiBatchProtocol,
} from './gemini-batch-protocol.js'
export {
  GEMINI_EMBEDDING_MAX_INPUTS,
  GEMINI_EMBEDDING_MODELS,
  geminiEmbeddingsRoute,
} from './gemini-embeddings.js'
export { type GeminiProtocolOptions, geminiProtocol } from './gemini-protocol.js'
export { type LineWorker, type LineWorkerOptions, startLineWorker } from './line-worker.js'
export { type MockCall, type MockProvider, type MockProviderOptions, mockProvider } from './mock-provider.js'
export { OLLAMA_EMBEDDING_MODELS, ollamaEmbeddingsRoute } from './ollama-embeddings.js'
export { type OllamaProtocolOptions, ollamaProtocol } from './ollama-protocol.js'
export {
  type OpenAIBatchAnswer,
  type OpenAIBatchLine,
  type OpenAIBatchProtocol,
  type OpenAIBatchProtocolOptions,
  type OpenAIBatchStep,
  openaiBatchProtocol,
} from './openai-batch-protocol.js'
export { type OpenAIChatProtocolOptions, openaiChatProtocol } from './openai-chat-protocol.js'
export {
  type FakeEmbeddingModel,
  OPENAI_EMBEDDING_MAX_INPUTS,
  OPENAI_EMBEDDING_MODELS,
  type OpenAIEmbeddingsRouteOptions,
  openaiEmbeddingsRoute,
} from './openai-embeddings.js'
export { type OpenAIResponsesProtocolOptions, openaiResponsesProtocol } from './openai-responses-protocol.js'
export {
  OPENROUTER_EMBEDDING_MODELS,
  type OpenRouterProtocolOptions,
  openrouterProtocol,
} from './openrouter-protocol.js'
export { rewriteReplies } from './rewrite-replies.js'
export {
  createScript,
  isScriptedDrop,
  isScriptedError,
  type ResolvedReply,
  resolveReply,
  type Script,
  type ScriptedDrop,
  type ScriptedError,
  type ScriptedReply,
  type ScriptedToolCall,
  type ScriptedTurn,
  splitIntoChunks,
  type TakenTurn,
} from './scripted-turn.js'
export {
  type EventSource,
  type SecretScan,
  scannedEvents,
  shownEverywhere,
  startSecretScan,
} from './secret-scan.js'
export { type BudgetWorkload, runBudgetWorker } from './store-checks/budget-worker.js'
export { type ReserveSummary, type ReserveWorkload, runReserveWorker } from './store-checks/reserve-worker.js'
export { runSpendWorker, type SpendSummary, type SpendWorkload } from './store-checks/spend-worker.js'
export { runUsageWriter } from './store-checks/usage-writer.js'
export { testContext } from './test-context.js'
export { type XAIChatProtocolOptions, xaiChatProtocol } from './xai-chat-protocol.js'
