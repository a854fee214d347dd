import { MongooseModule, getModelToken } from '@nestjs/mongoose';
import { Test, TestingModule } from '@nestjs/testing';
import { ErrorCodes } from '@shop/contracts';
import { DomainError } from '@shop/platform';
import { Model, Types } from 'mongoose';
import {
  IsolatedEnvironment,
  createIsolatedEnvironment,
} from '../../../test/harness/isolated-environment';
import { Product } from '../src/catalog/product.schema';
import { InventoryModule } from '../src/inventory/inventory.module';
import { InventoryService } from '../src/inventory/inventory.service';

describe(InventoryService.name, () => {
  let environment: IsolatedEnvironment;
  let moduleRef: TestingModule;
  let sut: InventoryService;
  let products: Model<Product>;

  beforeAll(async () => {
    environment = await createIsolatedEnvironment();
    moduleRef = await Test.createTestingModule({
      imports: [
        MongooseModule.forRoot(environment.mongoUrl, { dbName: environment.mongoDatabase }),
        InventoryModule,
      ],
    }).compile();
    sut = moduleRef.get(InventoryService);
    products = moduleRef.get(getModelToken(Product.name));
  });

  afterAll(async () => {
    await moduleRef?.close();
    await environment?.dispose();
  });

  async function productWithStock(stock: number): Promise<string> {
    const product = await products.create({
      name: 'Cup',
      priceMinor: 500,
      currency: 'EUR',
      stock,
      received: stock,
    });
    return product._id.toHexString();
  }

  async function counts(productId: string) {
    const { stock, reserved, sold, received } = (await products.findById(productId).lean())!;
    return { stock, reserved, sold, received };
  }

  const newOrderId = () => new Types.ObjectId().toHexString();

  it('never oversells: 50 concurrent reservations of stock 20 reserve exactly 20', async () => {
    const productId = await productWithStock(20);

    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () => sut.reserve(newOrderId(), [{ productId, quantity: 1 }])),
    );

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(20);
    expect(await counts(productId)).toEqual({ stock: 0, reserved: 20, sold: 0, received: 20 });
  });

  it('refuses a reservation it cannot fill with OUT_OF_STOCK and keeps nothing of it', async () => {
    const plenty = await productWithStock(10);
    const scarce = await productWithStock(1);

    const reservation = sut.reserve(newOrderId(), [
      { productId: plenty, quantity: 3 },
      { productId: scarce, quantity: 2 },
    ]);

    await expect(reservation).rejects.toMatchObject({
      code: ErrorCodes.outOfStock,
    } satisfies Partial<DomainError>);
    expect(await counts(plenty)).toEqual({ stock: 10, reserved: 0, sold: 0, received: 10 });
    expect(await counts(scarce)).toEqual({ stock: 1, reserved: 0, sold: 0, received: 1 });
  });

  it('reserves once however often the same order asks', async () => {
    const productId = await productWithStock(5);
    const orderId = newOrderId();

    await Promise.all([1, 2, 3].map(() => sut.reserve(orderId, [{ productId, quantity: 2 }])));

    expect(await counts(productId)).toEqual({ stock: 3, reserved: 2, sold: 0, received: 5 });
  });

  it('releases a reservation once, and a release without reservation changes nothing', async () => {
    const productId = await productWithStock(5);
    const orderId = newOrderId();
    await sut.reserve(orderId, [{ productId, quantity: 2 }]);

    await sut.release(orderId, [{ productId, quantity: 2 }]);
    await sut.release(orderId, [{ productId, quantity: 2 }]);
    await sut.release(newOrderId(), [{ productId, quantity: 2 }]);

    expect(await counts(productId)).toEqual({ stock: 5, reserved: 0, sold: 0, received: 5 });
  });

  it('turns a reservation into a sale once, and restocks a cancelled sale once', async () => {
    const productId = await productWithStock(5);
    const orderId = newOrderId();
    await sut.reserve(orderId, [{ productId, quantity: 2 }]);

    await sut.commit(orderId, [{ productId, quantity: 2 }]);
    await sut.commit(orderId, [{ productId, quantity: 2 }]);
    const afterSale = await counts(productId);
    await sut.restock(orderId, [{ productId, quantity: 2 }]);
    await sut.restock(orderId, [{ productId, quantity: 2 }]);

    expect(afterSale).toEqual({ stock: 3, reserved: 0, sold: 2, received: 5 });
    expect(await counts(productId)).toEqual({ stock: 5, reserved: 0, sold: 0, received: 5 });
  });
});
