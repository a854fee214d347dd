/** AMQP headers every message carries, so services can restore the caller's context. */
export const MessageHeaders = {
  correlationId: 'x-correlation-id',
  userId: 'x-user-id',
} as const;
