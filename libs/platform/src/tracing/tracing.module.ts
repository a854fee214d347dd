import { Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { stopTracing } from './start-tracing';

/** Exports the spans still buffered before the process exits (SIGTERM, a rollout). */
@Injectable()
class TracingShutdown implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return stopTracing();
  }
}

/** What an app needs of tracing inside Nest; `startTracing` runs before Nest loads. */
@Global()
@Module({ providers: [TracingShutdown] })
export class TracingModule {}
