import { ClientRMQ } from '@nestjs/microservices';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import { coalesceAmqpWrites } from './coalesced-writes';

/**
 * Nest's RMQ client, with the requests of one tick sent in one write
 * ({@link coalesceAmqpWrites}). Its requests keep publisher confirms: a request the broker
 * did not take fails at once instead of at its deadline.
 */
export class ServiceClientRmq extends ClientRMQ {
  override createClient(): AmqpConnectionManager {
    return coalesceAmqpWrites(super.createClient());
  }
}
