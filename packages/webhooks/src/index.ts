export type { WebhookPayload } from './webhook-payload.js'
export {
  DELIVERY_ID_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  type VerifyWebhookSignatureOptions,
  verifyWebhookSignature,
  type WebhookSignatureCheck,
} from './webhook-signature.js'
export { webhooks } from './webhooks.js'
export type { WebhookDeliveriesQuery, WebhookDeliveryView, WebhooksApi } from './webhooks-api.js'
export type { WebhookEndpoint, WebhooksOptions } from './webhooks-options.js'
