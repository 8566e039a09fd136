export { type GeminiOptions, gemini, geminiAdapter } from './gemini.js'
export { geminiPrices } from './gemini-prices.js'
