import { RpcSender } from './rpc-sender';

/**
 * The class of a typed client: it names the service whose queue its patterns are served from,
 * so registering it needs no service name and can never pair it with another service's queue.
 *
 * @example
 * class ReviewsClient {
 *   static readonly service = REVIEWS_SERVICE;
 *   constructor(private readonly rpc: RpcSender) {}
 * }
 * ServiceClientsModule.register([UsersClient, ReviewsClient]);
 */
export interface TypedClientClass<TClient = unknown> {
  /** The service that serves every pattern of the client, e.g. `'users'`. */
  readonly service: string;
  new (rpc: RpcSender): TClient;
}
