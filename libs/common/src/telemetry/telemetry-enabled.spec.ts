import { telemetryEnabled } from './telemetry-enabled';

describe('telemetryEnabled', () => {
  it('is off by default', () => {
    expect(telemetryEnabled({})).toBe(false);
  });

  it('is on with an OTLP endpoint or a traces exporter', () => {
    expect(telemetryEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(telemetryEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(true);
    expect(telemetryEnabled({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
  });

  it('stays off for the exporter none, and when the SDK is disabled', () => {
    expect(telemetryEnabled({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' })).toBe(
      false,
    );
    expect(telemetryEnabled({ OTEL_SDK_DISABLED: 'TRUE', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' })).toBe(false);
  });
});
