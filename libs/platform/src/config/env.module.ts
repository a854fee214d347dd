import { DynamicModule, Module } from '@nestjs/common';
import { BaseEnv } from './base.env';
import { loadEnv } from './load-env';

/** Makes an app's validated environment injectable, by its own class and as `BaseEnv`. */
@Module({})
export class EnvModule {
  static forRoot<T extends BaseEnv>(schema: new () => T): DynamicModule {
    return {
      module: EnvModule,
      global: true,
      providers: [
        { provide: schema, useFactory: () => loadEnv(schema) },
        { provide: BaseEnv, useExisting: schema },
      ],
      exports: [schema, BaseEnv],
    };
  }
}
