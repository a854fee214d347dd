/** Where an app sends its spans, or why it sends none. */
export type TracingSettings =
  { isEnabled: true; serviceName: string } | { isEnabled: false; reason: string };

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

/**
 * Tracing is on when an OTLP endpoint is configured (the standard `OTEL_EXPORTER_OTLP_ENDPOINT`
 * or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) and `OTEL_SDK_DISABLED` is not `true`. Without an
 * endpoint nothing would receive the spans, so the SDK is not even loaded: the app pays for the
 * no-op API only. The SDK itself reads the other standard variables (`OTEL_TRACES_SAMPLER`,
 * `OTEL_TRACES_SAMPLER_ARG`, `OTEL_BSP_*`, ...).
 */
export function tracingSettings(
  service: string,
  env: Readonly<Record<string, string | undefined>>,
): TracingSettings {
  if (isTrue(env.OTEL_SDK_DISABLED)) return { isEnabled: false, reason: 'OTEL_SDK_DISABLED=true' };
  if (env.OTEL_TRACES_EXPORTER?.trim() === 'none')
    return { isEnabled: false, reason: 'OTEL_TRACES_EXPORTER=none' };
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim())
    return { isEnabled: false, reason: 'no OTEL_EXPORTER_OTLP_ENDPOINT' };
  return { isEnabled: true, serviceName: env.OTEL_SERVICE_NAME?.trim() || service };
}
