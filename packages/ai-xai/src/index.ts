export { type XAIOptions, xai, xaiAdapter } from './xai.js'
export { xaiPrices } from './xai-prices.js'
export { xaiUsage } from './xai-response.js'
