import { ApiProperty } from '@nestjs/swagger';
import { IsMongoId } from 'class-validator';

/** `:id` of products and orders: a 24-character hex id, anything else is a 400. */
export class MongoIdParam {
  @ApiProperty({ example: '6745f0c2a1b2c3d4e5f60718' })
  @IsMongoId({ message: 'id must be a 24-character hexadecimal id' })
  id: string;
}
