export { type AnthropicOptions, anthropic, anthropicAdapter } from './anthropic.js'
export { anthropicPrices } from './anthropic-prices.js'
