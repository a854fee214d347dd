import { Controller, Inject } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { HealthPatterns, PingReply } from '@shop/contracts';

export const SERVICE_NAME = Symbol('SERVICE_NAME');

/** Answers the gateway's readiness probe: a reply proves broker, queue and consumer all work. */
@Controller()
export class PingHandler {
  constructor(@Inject(SERVICE_NAME) private readonly service: string) {}

  @MessagePattern(HealthPatterns.ping)
  ping(): PingReply {
    return { service: this.service, status: 'ok' };
  }
}
