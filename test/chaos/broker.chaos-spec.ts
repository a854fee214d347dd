import { networkFaultSuite } from './network-fault-suite';

describe('Every app and RabbitMQ, under network faults', () => {
  networkFaultSuite(
    'broker',
    { gateway: ['broker'], users: ['broker'], orders: ['broker'], payments: ['broker'] },
    [{ label: 'broker (all apps)', dependency: 'broker' }],
  );
});
