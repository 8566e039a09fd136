import type { ProviderRequest, ToolChoice } from '@aimux/ai-core'
import {
  type Content,
  FunctionCallingConfigMode,
  type GenerateContentConfig,
  type ThinkingConfig,
  ThinkingLevel,
} from '@google/genai'
import { toGeminiMessages } from './to-gemini-messages.js'

const thinkingLevels = {
  low: ThinkingLevel.LOW,
  medium: ThinkingLevel.MEDIUM,
  high: ThinkingLevel.HIGH,
} as const

/** What models.generateContent and generateContentStream take, without the per-call transport settings. */
export interface GeminiRequest {
  model: string
  contents: Content[]
  config: GenerateContentConfig
}

/**
 * The generateContent request for an aimux request. Reasoning asks for thought summaries
 * (`includeThoughts`) with a thinking budget or level; JSON output with a schema is sent as
 * `responseJsonSchema`. `providerOptions.gemini` is merged into the config last (`safetySettings`,
 * `cachedContent`, `thinkingConfig`, `mediaResolution`, ...).
 */
export function geminiRequest(request: ProviderRequest): GeminiRequest {
  const { systemInstruction, contents } = toGeminiMessages(request.messages)
  const config: GenerateContentConfig = {}
  if (systemInstruction !== undefined) config.systemInstruction = systemInstruction
  if (request.temperature !== undefined) config.temperature = request.temperature
  if (request.topP !== undefined) config.topP = request.topP
  if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens
  if (request.stop?.length) config.stopSequences = request.stop
  if (request.seed !== undefined) config.seed = request.seed
  if (request.tools?.length) {
    config.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.name,
          parametersJsonSchema: tool.parameters,
          ...(tool.description === undefined ? {} : { description: tool.description }),
        })),
      },
    ]
    if (request.toolChoice) config.toolConfig = { functionCallingConfig: functionCalling(request.toolChoice) }
  }
  if (request.reasoning) {
    const thinking: ThinkingConfig = { includeThoughts: true }
    if (request.reasoning.budgetTokens !== undefined) thinking.thinkingBudget = request.reasoning.budgetTokens
    else if (request.reasoning.effort) thinking.thinkingLevel = thinkingLevels[request.reasoning.effort]
    config.thinkingConfig = thinking
  }
  if (request.responseFormat?.type === 'json') {
    config.responseMimeType = 'application/json'
    if (request.responseFormat.schema) config.responseJsonSchema = request.responseFormat.schema
  }
  return { model: request.model, contents, config: { ...config, ...request.providerOptions?.gemini } }
}

/** What models.countTokens takes on the Gemini Developer API: a model and contents, nothing else. */
export interface GeminiCountRequest {
  model: string
  contents: Content[]
  /**
   * True when the system instruction, the function declarations or the response schema were
   * counted as text in a leading user content: the SDK refuses them in countTokens on this API,
   * so the count is close to what generateContent would bill, not exact.
   */
  folded: boolean
}

/** The countTokens request for an aimux request, from the same mapping as a chat call. */
export function geminiCountRequest(request: ProviderRequest): GeminiCountRequest {
  const { model, contents, config } = geminiRequest(request)
  const texts: string[] = []
  const system = config.systemInstruction
  if (system !== undefined) texts.push(typeof system === 'string' ? system : JSON.stringify(system))
  const declarations = (config.tools ?? []).flatMap(
    (tool) => (tool as { functionDeclarations?: unknown[] }).functionDeclarations ?? [],
  )
  if (declarations.length > 0) texts.push(JSON.stringify(declarations))
  if (config.responseJsonSchema !== undefined) texts.push(JSON.stringify(config.responseJsonSchema))
  if (texts.length === 0) return { model, contents, folded: false }
  return {
    model,
    contents: [{ role: 'user', parts: texts.map((text) => ({ text })) }, ...contents],
    folded: true,
  }
}

function functionCalling(choice: ToolChoice) {
  if (choice === 'auto') return { mode: FunctionCallingConfigMode.AUTO }
  if (choice === 'none') return { mode: FunctionCallingConfigMode.NONE }
  if (choice === 'required') return { mode: FunctionCallingConfigMode.ANY }
  return { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: [choice.name] }
}
