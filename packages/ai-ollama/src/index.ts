export { type OllamaOptions, ollama, ollamaAdapter } from './ollama.js'
