import { ServerRMQ } from '@nestjs/microservices';

/**
 * Nest's RMQ server, minus an exception per message. Nest first tries `JSON.parse` on every
 * pattern, in case it is an object pattern sent as JSON; our patterns are plain strings
 * (`products.get.v1`), so each message threw and caught a SyntaxError (about 2 % of a
 * handler's CPU). A pattern that names a handler as it stands is that handler's route;
 * anything else is still resolved by Nest.
 */
export class StringPatternServerRmq extends ServerRMQ {
  protected override getRouteFromPattern(pattern: string): string {
    return this.messageHandlers.has(pattern) ? pattern : super.getRouteFromPattern(pattern);
  }
}
