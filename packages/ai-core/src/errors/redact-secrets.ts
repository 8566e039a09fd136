const keyShapes = [
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\bxai-[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /\bBearer\s+\S+/gi,
]

/** Masks the given secrets, and anything shaped like an OpenAI, Anthropic, xAI or Google key, in a text. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let result = text
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join('[redacted]')
  }
  for (const shape of keyShapes) result = result.replace(shape, '[redacted]')
  return result
}
