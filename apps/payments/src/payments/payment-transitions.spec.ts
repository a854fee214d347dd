import { PaymentRecordStatus } from './payment.entity';
import {
  PaymentOperation,
  TransitionPlan,
  planTransition,
  transitionOf,
} from './payment-transitions';

describe(planTransition.name, () => {
  const refused = expect.objectContaining({ kind: 'refuse' }) as TransitionPlan;

  it.each<[PaymentOperation, PaymentRecordStatus, TransitionPlan]>([
    ['capture', 'AUTHORIZED', { kind: 'apply', to: 'CAPTURED' }],
    ['capture', 'CAPTURED', { kind: 'keep' }],
    ['capture', 'DECLINED', refused],
    ['capture', 'VOIDED', refused],
    ['capture', 'REFUNDED', refused],
    ['void', 'AUTHORIZED', { kind: 'apply', to: 'VOIDED' }],
    ['void', 'VOIDED', { kind: 'keep' }],
    ['void', 'DECLINED', { kind: 'keep' }],
    ['void', 'CAPTURED', refused],
    ['void', 'REFUNDED', refused],
    ['refund', 'CAPTURED', { kind: 'apply', to: 'REFUNDED' }],
    ['refund', 'REFUNDED', { kind: 'keep' }],
    ['refund', 'AUTHORIZED', refused],
    ['refund', 'DECLINED', refused],
    ['refund', 'VOIDED', refused],
  ])('plans %s of a %s payment', (operation, status, expected) => {
    const plan = planTransition(operation, status);

    expect(plan).toEqual(expected);
  });

  it('tells a caller that captured payments are refunded, not voided', () => {
    const plan = planTransition('void', 'CAPTURED');

    expect(plan).toEqual({ kind: 'refuse', message: 'captured payments are refunded, not voided' });
  });

  it('never plans anything but a refusal for a payment still being authorized', () => {
    const plans = (['capture', 'void', 'refund'] as const).map(
      (operation) => planTransition(operation, 'PENDING').kind,
    );

    expect(plans).toEqual(['refuse', 'refuse', 'refuse']);
  });
});

describe(transitionOf.name, () => {
  it.each<PaymentOperation>(['capture', 'void', 'refund'])(
    'names the status %s applies to, as planTransition plans it',
    (operation) => {
      const { from, to } = transitionOf(operation);

      expect(planTransition(operation, from)).toEqual({ kind: 'apply', to });
    },
  );
});
