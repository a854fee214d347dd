import { networkFaultSuite } from './network-fault-suite';

describe('Users and payments and PostgreSQL, under network faults', () => {
  networkFaultSuite('postgres', { users: ['postgres'], payments: ['postgres'] }, [
    { label: 'postgres (users)', dependency: 'postgres', apps: ['users'] },
    { label: 'postgres (payments)', dependency: 'postgres', apps: ['payments'] },
  ]);
});
