import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Collection, Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { isDuplicateKey } from '../database/duplicate-key';

interface TaskLeaseDocument {
  _id: string;
  owner: string;
  expiresAt: number;
}

/**
 * Which replica runs a periodic task (the order-events relay, the unstarted-orders sweeper):
 * one document per task, taken with a single conditional update, so N replicas do the work
 * once instead of N times. Held while renewed; a replica that died loses it when it expires,
 * one that stops gives it back at once.
 */
@Injectable()
export class TaskLeases {
  /** This process; a restarted one is a new owner and waits like any other replica. */
  readonly owner = randomUUID();
  private readonly leases: Collection<TaskLeaseDocument>;

  constructor(@InjectConnection() connection: Connection) {
    this.leases = connection.collection<TaskLeaseDocument>('task_leases');
  }

  /** True when this replica holds the task's lease, now renewed until `now + leaseMs`. */
  async tryHold(task: string, leaseMs: number, now = Date.now()): Promise<boolean> {
    try {
      const { matchedCount, upsertedCount } = await this.leases.updateOne(
        { _id: task, $or: [{ owner: this.owner }, { expiresAt: { $lte: now } }] },
        { $set: { owner: this.owner, expiresAt: now + leaseMs } },
        { upsert: true },
      );
      return matchedCount + upsertedCount > 0;
    } catch (error) {
      // The document exists and another replica holds it: the upsert tried to insert it.
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Gives the lease back, so that another replica takes the task over at its next tick. */
  async release(task: string): Promise<void> {
    await this.leases.updateOne({ _id: task, owner: this.owner }, { $set: { expiresAt: 0 } });
  }
}
