import { createRequire } from 'node:module'
import type {
  Message,
  ProviderAdapter,
  ProviderRequest,
  TokenCount,
  TokenEstimator,
  ToolSpec,
} from '@aimux/ai-core'
import { stringifyToolArguments } from '@aimux/ai-core/provider-kit'
import {
  type ChatCompletionFunctionCallOption,
  type ChatCompletionFunctionDefinition,
  type ChatMessage,
  computeChatCompletionTokenCount,
  countMessageTokens,
} from 'gpt-tokenizer/functionCalling'
import { type ModelName, modelToEncodingMap } from 'gpt-tokenizer/mapping'
import { LRUCache } from 'lru-cache'
import { toolResultOutput } from './tool-result-output.js'

/** The two encodings of OpenAI's chat models: GPT-4o and later, and GPT-4 and GPT-3.5 Turbo. */
export type OpenAIEncoding = 'o200k_base' | 'cl100k_base'

/**
 * Tokens counted for each image: a 1024x1024 image at high detail on GPT-4o (85 + 4 tiles of 170).
 * The real number depends on the image's size, its detail and the model, so a prompt with an
 * image is never an exact count.
 */
export const IMAGE_TOKENS = 765

/**
 * The encoding an OpenAI model counts its tokens in: gpt-tokenizer's table of models, then the
 * family for a name it does not list yet (a new snapshot); undefined for a model that is not
 * OpenAI's. A fine-tuned model ("ft:gpt-4o-mini-2024-07-18:org::id") counts as its base.
 */
export function openaiEncodingOf(model: string): OpenAIEncoding | undefined {
  const base = model.startsWith('ft:') ? (model.split(':')[1] ?? '') : model
  if (Object.hasOwn(modelToEncodingMap, base)) {
    const known = modelToEncodingMap[base as ModelName]
    return known === 'o200k_base' || known === 'cl100k_base' ? known : undefined
  }
  if (/^(gpt-4o|gpt-4\.\d|gpt-[5-9]|o\d|chatgpt-|codex-)/.test(base)) return 'o200k_base'
  if (/^(gpt-4|gpt-3\.5-turbo)/.test(base)) return 'cl100k_base'
  return undefined
}

interface Encoding {
  countTokens(text: string, options: { disallowedSpecial: Set<string> }): number
}

// An encoding's ranks are 1-2.5 MB of JavaScript, loaded at the first count (about half a second
// for o200k_base) and kept: an application that never counts never loads them.
const load = createRequire(import.meta.url)
const encodings = new Map<OpenAIEncoding, Encoding>()
// Text that looks like a special token ("<|endoftext|>") is text to the API, not a control token.
const asText = { disallowedSpecial: new Set<string>() }

function encoding(name: OpenAIEncoding): Encoding {
  let loaded = encodings.get(name)
  if (!loaded) {
    loaded = load(`gpt-tokenizer/encoding/${name}`) as Encoding
    encodings.set(name, loaded)
  }
  return loaded
}

const counters = new Map<OpenAIEncoding, (text: string) => number>()

/**
 * Counts a text's tokens in an encoding, keeping the counts (up to 20,000 texts and 8 MB of text
 * an encoding, the least recently used dropped first): a conversation sends its history again with
 * every turn, and a budget's estimate counts the prompt before every call, so most of a prompt was
 * counted before. Counting a long message takes tens of microseconds and even a role name or a
 * short message one or two; finding a count takes a few hundredths.
 */
function counter(name: OpenAIEncoding): (text: string) => number {
  let count = counters.get(name)
  if (!count) {
    const { countTokens } = encoding(name)
    const known = new LRUCache<string, number>({
      max: 20_000,
      maxSize: 8_000_000,
      // The cache takes no size of 0: an empty text counts as one character.
      sizeCalculation: (_, text) => Math.max(1, text.length),
    })
    count = (text) => {
      let tokens = known.get(text)
      if (tokens === undefined) {
        tokens = countTokens(text, asText)
        known.set(text, tokens)
      }
      return tokens
    }
    counters.set(name, count)
  }
  return count
}

/** A prompt's messages as the Chat Completions wire frames them, and what that framing leaves out. */
interface ChatPrompt {
  messages: ChatMessage[]
  images: number
  /**
   * True when some of it has no documented framing (tool calls and results, a user message of
   * several text parts): counted as the nearest documented messages.
   */
  approximate: boolean
}

function chatPrompt(messages: readonly Message[]): ChatPrompt {
  const prompt: ChatPrompt = { messages: [], images: 0, approximate: false }
  for (const message of messages) {
    if (message.role === 'system') {
      prompt.messages.push({ role: 'system', content: message.content })
    } else if (message.role === 'user') {
      if (typeof message.content === 'string') {
        prompt.messages.push({ role: 'user', content: message.content })
        continue
      }
      let text = ''
      for (const part of message.content) {
        if (part.type === 'text') text += part.text
        else prompt.images++
      }
      if (message.content.length > 1) prompt.approximate = true
      prompt.messages.push({ role: 'user', content: text })
    } else if (message.role === 'assistant') {
      if (typeof message.content === 'string') {
        prompt.messages.push({ role: 'assistant', content: message.content })
        continue
      }
      // Reasoning is not sent back on this wire.
      const text = message.content.map((part) => (part.type === 'text' ? part.text : '')).join('')
      const calls = message.content.flatMap((part) => (part.type === 'tool-call' ? [part] : []))
      if (calls.length === 0 || text !== '') prompt.messages.push({ role: 'assistant', content: text })
      for (const call of calls) {
        prompt.approximate = true
        prompt.messages.push({
          role: 'assistant',
          content: '',
          function_call: { name: call.name, arguments: stringifyToolArguments(call.args) },
        })
      }
    } else {
      prompt.approximate = true
      for (const part of message.content) {
        prompt.messages.push({ role: 'tool', content: toolResultOutput(part) })
      }
    }
  }
  return prompt
}

function functionsOf(tools: readonly ToolSpec[] | undefined): ChatCompletionFunctionDefinition[] {
  return (tools ?? []).map((tool) => ({
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    parameters: tool.parameters as unknown as ChatCompletionFunctionDefinition['parameters'],
  }))
}

function functionCallOf(choice: ProviderRequest['toolChoice']): ChatCompletionFunctionCallOption | undefined {
  if (choice === 'none') return 'none'
  if (typeof choice === 'object') return { name: choice.name }
  return undefined
}

/**
 * A prompt counted with OpenAI's chat format, as OpenAI's cookbook counts it: 3 tokens a message
 * plus its role and content, 3 for priming the reply; tool definitions as the model reads them (a
 * TypeScript namespace of function types); each image at IMAGE_TOKENS; a response schema at its
 * JSON's tokens.
 */
function countPrompt(
  name: OpenAIEncoding,
  request: {
    messages: readonly Message[]
    tools?: readonly ToolSpec[] | undefined
    toolChoice?: ProviderRequest['toolChoice']
    responseFormat?: ProviderRequest['responseFormat']
  },
): { inputTokens: number; framed: boolean } {
  const count = counter(name)
  const prompt = chatPrompt(request.messages)
  const functions = functionsOf(request.tools)
  const functionCall = functions.length > 0 ? functionCallOf(request.toolChoice) : undefined
  let inputTokens = computeChatCompletionTokenCount(
    {
      messages: prompt.messages,
      ...(functions.length > 0 ? { functions } : {}),
      ...(functionCall ? { function_call: functionCall } : {}),
    },
    count,
  )
  inputTokens += prompt.images * IMAGE_TOKENS
  const schema = request.responseFormat?.type === 'json' ? request.responseFormat.schema : undefined
  if (schema) inputTokens += count(JSON.stringify(schema))
  // Only text messages are framed as documented; tools, images and schemas are counted close to it.
  const framed = functions.length === 0 && prompt.images === 0 && !prompt.approximate && !schema
  return { inputTokens, framed }
}

function estimatorFor(name: OpenAIEncoding): TokenEstimator {
  return {
    message(message) {
      const count = counter(name)
      const prompt = chatPrompt([message])
      let tokens = prompt.images * IMAGE_TOKENS
      for (const chat of prompt.messages) tokens += countMessageTokens(chat, count)
      return tokens
    },
    prompt(messages, tools) {
      return countPrompt(name, { messages, tools }).inputTokens
    },
  }
}

const estimators = new Map<OpenAIEncoding, TokenEstimator>()

export interface OpenAITokenizerOptions {
  /**
   * The OpenAI model whose tokenizer counts a model's tokens, or undefined when the model is not
   * OpenAI's: the model itself for OpenAI, "gpt-4o" for OpenRouter's "openai/gpt-4o".
   */
  tokenizerModel: (model: string) => string | undefined
  /**
   * True when the wire frames messages as documented for Chat Completions, so that a prompt of
   * text messages counts exactly; false for the Responses API, whose framing is not published.
   */
  documentedFraming: boolean
}

/**
 * `countTokens` and `tokenEstimator` for an adapter whose models (some of them) are OpenAI's,
 * counted locally with gpt-tokenizer (no network call). A model without an OpenAI tokenizer gets
 * neither: the core then estimates at four characters a token.
 */
export function openaiTokenCounting(
  options: OpenAITokenizerOptions,
): Required<Pick<ProviderAdapter, 'countTokens' | 'tokenEstimator'>> {
  const encodingFor = (model: string) => {
    const openaiModel = options.tokenizerModel(model)
    return openaiModel === undefined ? undefined : openaiEncodingOf(openaiModel)
  }
  return {
    async countTokens(request): Promise<TokenCount | undefined> {
      const name = encodingFor(request.model)
      if (!name) return undefined
      const { inputTokens, framed } = countPrompt(name, request)
      return { inputTokens, exact: framed && options.documentedFraming, source: 'tokenizer' }
    },
    tokenEstimator(model) {
      const name = encodingFor(model)
      if (!name) return undefined
      let estimator = estimators.get(name)
      if (!estimator) {
        estimator = estimatorFor(name)
        estimators.set(name, estimator)
      }
      return estimator
    },
  }
}
