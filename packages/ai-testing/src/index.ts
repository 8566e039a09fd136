export {
  createFakeServer,
  type FakeRequest,
  type FakeServer,
  type FixedRoute,
  ndjsonLine,
  type ScriptedRoute,
  sseEvent,
  type WireFrame,
  type WireProtocol,
  type WireResponse,
  type WireRoute,
} from './fake-server.js'
export { type MockCall, type MockProvider, type MockProviderOptions, mockProvider } from './mock-provider.js'
export { type OpenAIChatProtocolOptions, openaiChatProtocol } from './openai-chat-protocol.js'
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
export { testContext } from './test-context.js'
