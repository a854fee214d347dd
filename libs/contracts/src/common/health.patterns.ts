/** Every service answers this on its own queue; the gateway's readiness check asks each one. */
export const HealthPatterns = {
  ping: 'health.ping.v1',
} as const;

export interface PingReply {
  service: string;
  status: 'ok';
}
