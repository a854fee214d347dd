import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';
import { BaseEnv } from '@shop/platform';

export class PaymentsEnv extends BaseEnv {
  @Matches(/^postgres(ql)?:\/\//, { message: 'PAYMENTS_DATABASE_URL must be a postgres:// URL' })
  PAYMENTS_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/shop_payments';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65_535)
  PAYMENTS_HTTP_PORT = 3003;
}
