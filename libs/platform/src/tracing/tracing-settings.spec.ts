import { tracingSettings } from './tracing-settings';

describe(tracingSettings.name, () => {
  const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };

  it('traces under the app name when an OTLP endpoint is set', () => {
    expect(tracingSettings('orders', endpoint)).toEqual({ isEnabled: true, serviceName: 'orders' });
  });

  it('takes the service name from OTEL_SERVICE_NAME when set', () => {
    expect(tracingSettings('orders', { ...endpoint, OTEL_SERVICE_NAME: 'orders-eu' })).toEqual({
      isEnabled: true,
      serviceName: 'orders-eu',
    });
  });

  it('accepts a traces-only endpoint', () => {
    expect(
      tracingSettings('orders', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://j:4318/v1/traces' })
        .isEnabled,
    ).toBe(true);
  });

  it('does not trace without an endpoint, so the SDK is never loaded', () => {
    expect(tracingSettings('orders', {})).toEqual({
      isEnabled: false,
      reason: 'no OTEL_EXPORTER_OTLP_ENDPOINT',
    });
  });

  it('does not trace when OTEL_SDK_DISABLED is true, whatever the endpoint', () => {
    expect(tracingSettings('orders', { ...endpoint, OTEL_SDK_DISABLED: 'TRUE' }).isEnabled).toBe(
      false,
    );
  });

  it('does not trace when the traces exporter is none', () => {
    expect(tracingSettings('orders', { ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).isEnabled).toBe(
      false,
    );
  });
});
