import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { eventually } from './eventually';
import { IsolatedEnvironment } from './isolated-environment';

export interface InvariantReport {
  /** Products whose stock + reserved + sold differs from the units ever received. */
  unbalancedProducts: string[];
  /** Orders that hold reserved units although their saga ended. */
  settledOrdersHoldingStock: string[];
  /** CONFIRMED orders without exactly one captured payment and one invoice. */
  confirmedWithoutOneCaptureAndInvoice: string[];
  /**
   * CANCELLED orders whose payment is still captured, or authorized (money held): a saga that
   * gave up on an authorization voids it, even one carried out after the saga stopped waiting.
   */
  cancelledKeepingMoney: string[];
  /** Orders with a captured payment that are not CONFIRMED, or not known to the orders service. */
  capturedWithoutConfirmedOrder: string[];
  /** Orders with more than one captured payment, or a captured payment with more than one invoice. */
  chargedMoreThanOnce: string[];
  /** Orders still PENDING. */
  pending: string[];
}

/**
 * Reads every owning database directly and checks what must hold whatever happened:
 * units are conserved, a confirmed order is paid exactly once, a cancelled one keeps no money.
 */
export async function checkShopInvariants(
  environment: IsolatedEnvironment,
): Promise<InvariantReport> {
  const mongo = await MongoClient.connect(environment.mongoUrl);
  const payments = new Client({ connectionString: environment.paymentsDatabaseUrl });
  await payments.connect();
  try {
    const database = mongo.db(environment.mongoDatabase);
    const products = await database.collection('products').find().toArray();
    const orders = await database.collection('orders').find().toArray();
    const { rows: holdingMoney } = await payments.query<{
      order_id: string;
      status: 'AUTHORIZED' | 'CAPTURED';
      invoices: string;
    }>(
      `SELECT p.order_id, p.status, count(i.id) AS invoices FROM payments p LEFT JOIN invoices i ON i.payment_id = p.id WHERE p.status IN ('AUTHORIZED', 'CAPTURED') GROUP BY p.order_id, p.id`,
    );
    const captured = holdingMoney.filter((row) => row.status === 'CAPTURED');
    const authorizedIds = new Set(
      holdingMoney.filter((row) => row.status === 'AUTHORIZED').map((row) => row.order_id),
    );
    const capturedByOrder = new Map<string, number[]>();
    for (const row of captured)
      capturedByOrder.set(row.order_id, [
        ...(capturedByOrder.get(row.order_id) ?? []),
        Number(row.invoices),
      ]);
    const confirmedIds = new Set(
      orders
        .filter((order) => order.status === 'CONFIRMED')
        .map((order) => order._id.toHexString()),
    );
    const settledIds = new Set(
      orders.filter((order) => order.status !== 'PENDING').map((order) => order._id.toHexString()),
    );

    return {
      unbalancedProducts: products
        .filter((p) => p.stock + p.reserved + p.sold !== p.received)
        .map((p) => p._id.toHexString()),
      settledOrdersHoldingStock: products.flatMap((p) =>
        Object.keys(p.reservedBy ?? {}).filter((orderId) => settledIds.has(orderId)),
      ),
      confirmedWithoutOneCaptureAndInvoice: orders
        .filter((order) => order.status === 'CONFIRMED')
        .map((order) => order._id.toHexString())
        .filter((id) => JSON.stringify(capturedByOrder.get(id)) !== JSON.stringify([1])),
      cancelledKeepingMoney: orders
        .filter((order) => order.status === 'CANCELLED')
        .map((order) => order._id.toHexString())
        .filter((id) => capturedByOrder.has(id) || authorizedIds.has(id)),
      capturedWithoutConfirmedOrder: [...capturedByOrder.keys()].filter(
        (id) => !confirmedIds.has(id),
      ),
      chargedMoreThanOnce: [...capturedByOrder]
        .filter(([, invoices]) => invoices.length > 1 || invoices.some((count) => count > 1))
        .map(([id]) => id),
      pending: orders
        .filter((order) => order.status === 'PENDING')
        .map((order) => order._id.toHexString()),
    };
  } finally {
    await payments.end();
    await mongo.close();
  }
}

export const healthyShop: InvariantReport = {
  unbalancedProducts: [],
  settledOrdersHoldingStock: [],
  confirmedWithoutOneCaptureAndInvoice: [],
  cancelledKeepingMoney: [],
  capturedWithoutConfirmedOrder: [],
  chargedMoreThanOnce: [],
  pending: [],
};

/** Nothing left in flight: no order PENDING, and the voids of cancelled orders delivered. */
export function isSettled(report: InvariantReport): boolean {
  return report.pending.length === 0 && report.cancelledKeepingMoney.length === 0;
}

/**
 * The invariants once nothing is in flight any more (sagas, sweeps and voids, which are events,
 * may still be finishing); after `timeoutMs`, whatever holds then, for the caller to show.
 */
export async function checkSettledShopInvariants(
  environment: IsolatedEnvironment,
  timeoutMs: number,
): Promise<InvariantReport> {
  try {
    return await eventually(
      async () => {
        const current = await checkShopInvariants(environment);
        return isSettled(current) ? current : undefined;
      },
      timeoutMs,
      'every order to settle',
    );
  } catch {
    return checkShopInvariants(environment);
  }
}
