import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InvoiceEntity } from './invoice.entity';
import { InvoicesHandlers } from './invoices.handlers';
import { InvoicesService } from './invoices.service';

@Module({
  imports: [TypeOrmModule.forFeature([InvoiceEntity])],
  controllers: [InvoicesHandlers],
  providers: [InvoicesService],
  exports: [InvoicesService],
})
export class InvoicesModule {}
