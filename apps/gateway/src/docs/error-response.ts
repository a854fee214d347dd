import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { HttpErrorBody } from '@shop/platform';

export class ErrorResponse implements HttpErrorBody {
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({ example: 'email must be an email' })
  message: string;

  @ApiProperty({
    example: '5f0c6e0e-8c1e-4d8e-9a57-3f1f5d1b2a10',
    description: 'Quote it when reporting a problem',
  })
  correlationId: string;

  @ApiPropertyOptional({ type: [String], example: ['email must be an email'] })
  details?: string[];
}
