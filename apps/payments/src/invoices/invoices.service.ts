import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DEFAULT_PAGE_SIZE, InvoiceView, ListInvoicesQuery } from '@shop/contracts';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { InvoiceEntity } from './invoice.entity';

/** What an invoice bills: a captured payment. */
export interface InvoiceSubject {
  paymentId: string;
  orderId: string;
  userId: string;
  amountMinor: number;
  currency: string;
}

export function toInvoiceView(invoice: InvoiceEntity): InvoiceView {
  return {
    id: invoice.id,
    number: invoice.number,
    paymentId: invoice.paymentId,
    orderId: invoice.orderId,
    userId: invoice.userId,
    amountMinor: invoice.amountMinor,
    currency: invoice.currency,
    issuedAt: invoice.issuedAt.toISOString(),
    ...(invoice.refundedAt !== null && { refundedAt: invoice.refundedAt.toISOString() }),
  };
}

@Injectable()
export class InvoicesService {
  constructor(
    @InjectRepository(InvoiceEntity) private readonly invoices: Repository<InvoiceEntity>,
  ) {}

  /**
   * Runs in the capture's transaction: the payment is captured and invoiced together or not at
   * all. Answers the invoice's number.
   */
  async issue(manager: EntityManager, subject: InvoiceSubject): Promise<string> {
    const { raw } = await manager
      .createQueryBuilder()
      .insert()
      .into(InvoiceEntity)
      .values({ ...subject, refundedAt: null })
      .returning(['number'])
      .execute();
    return (raw as { number: string }[])[0].number;
  }

  /**
   * Runs in the refund's transaction. The invoice stays; it now counts as credited. Answers the
   * invoice's number.
   */
  async markRefunded(manager: EntityManager, paymentId: string): Promise<string> {
    const { raw } = await manager
      .createQueryBuilder()
      .update(InvoiceEntity)
      .set({ refundedAt: () => 'now()' })
      .where({ paymentId, refundedAt: IsNull() })
      .returning(['number'])
      .execute();
    const [marked] = raw as { number: string }[];
    return marked?.number ?? (await manager.findOneByOrFail(InvoiceEntity, { paymentId })).number;
  }

  async list({
    userId,
    limit = DEFAULT_PAGE_SIZE,
    offset = 0,
  }: ListInvoicesQuery): Promise<InvoiceView[]> {
    const invoices = await this.invoices.find({
      where: { userId },
      order: { issuedAt: 'DESC', number: 'DESC' },
      take: limit,
      skip: offset,
    });
    return invoices.map(toInvoiceView);
  }
}
