import { Controller, Get } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { HealthPatterns, RpcSender } from '@shop/contracts';
import { DownstreamServices } from '@shop/platform';
import { CircuitBreakerRegistry } from '@shop/resilience';

const READINESS_DEADLINE_MS = 1_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly downstream: DownstreamServices,
    private readonly breakers: CircuitBreakerRegistry,
  ) {}

  /** Liveness: the process serves HTTP. */
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness' })
  @ApiOkResponse({ description: 'The gateway is alive' })
  live() {
    return this.health.check([]);
  }

  /** Readiness: the broker and every service answer a ping within a second; with each breaker's state. */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness of the broker and every service' })
  @ApiOkResponse({ description: 'Every service answers' })
  @ApiServiceUnavailableResponse({ description: 'A service or the broker does not answer in time' })
  ready() {
    return this.health.check(
      [...this.downstream.byName].map(
        ([service, rpc]) =>
          () =>
            this.ping(service, rpc),
      ),
    );
  }

  private async ping(service: string, rpc: RpcSender): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(service);
    const breaker = this.breakers.find(service)?.snapshot().state ?? 'CLOSED';
    try {
      await rpc.send(HealthPatterns.ping, {}, { timeoutMs: READINESS_DEADLINE_MS });
      return indicator.up({ breaker });
    } catch (error) {
      return indicator.down({
        breaker,
        message: error instanceof Error ? error.message : 'no answer',
      });
    }
  }
}
