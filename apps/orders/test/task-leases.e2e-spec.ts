import { Connection } from 'mongoose';
import { IsolatedMongoose, openIsolatedMongoose } from '../../../test/harness/isolated-mongoose';
import { TaskLeases } from '../src/leases/task-leases';

describe(TaskLeases.name, () => {
  let mongo: IsolatedMongoose;
  let connection: Connection;
  let task = 0;
  /** A task of its own per test, so tests never see each other's leases. */
  const nextTask = () => `task-${(task += 1)}`;
  const leaseMs = 10_000;

  beforeAll(async () => {
    mongo = await openIsolatedMongoose();
    connection = mongo.connection;
  });

  afterAll(async () => {
    await mongo?.dispose();
  });

  it('gives a task to one of many replicas asking at once', async () => {
    const replicas = Array.from({ length: 8 }, () => new TaskLeases(connection));
    const sut = nextTask();

    const held = await Promise.all(replicas.map((replica) => replica.tryHold(sut, leaseMs)));

    expect(held.filter(Boolean)).toHaveLength(1);
  });

  it('keeps the task with its holder while it renews', async () => {
    const [holder, other] = [new TaskLeases(connection), new TaskLeases(connection)];
    const sut = nextTask();
    const now = Date.now();

    const asked = [
      await holder.tryHold(sut, leaseMs, now),
      await other.tryHold(sut, leaseMs, now + 1_000),
      await holder.tryHold(sut, leaseMs, now + leaseMs + 1_000),
      await other.tryHold(sut, leaseMs, now + leaseMs + 2_000),
    ];

    expect(asked).toEqual([true, false, true, false]);
  });

  it('hands the task to another replica once the holder stopped renewing', async () => {
    const [holder, other] = [new TaskLeases(connection), new TaskLeases(connection)];
    const sut = nextTask();
    const now = Date.now();
    await holder.tryHold(sut, leaseMs, now);

    const takenOver = await other.tryHold(sut, leaseMs, now + leaseMs);

    expect(takenOver).toBe(true);
  });

  it('hands the task on at once when its holder releases it', async () => {
    const [holder, other] = [new TaskLeases(connection), new TaskLeases(connection)];
    const sut = nextTask();
    await holder.tryHold(sut, leaseMs);

    await holder.release(sut);

    expect(await other.tryHold(sut, leaseMs)).toBe(true);
  });
});
