import { networkFaultSuite } from './network-fault-suite';

describe('Orders and the MongoDB server, under network faults', () => {
  networkFaultSuite('mongo', { orders: ['mongo'] }, [
    { label: 'mongo (orders)', dependency: 'mongo', apps: ['orders'] },
  ]);
});
