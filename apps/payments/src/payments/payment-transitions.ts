import { PaymentRecordStatus } from './payment.entity';

/** A command that moves an existing payment on. Authorization creates payments and is not one. */
export type PaymentOperation = 'capture' | 'void' | 'refund';

/**
 * What a command does to a payment in a given status:
 * - `apply`: ask the processor, then move to `to`;
 * - `keep`: answer with the payment as it is (a repeat, or nothing left to do);
 * - `refuse`: a CONFLICT with `message`.
 */
export type TransitionPlan =
  | { kind: 'apply'; to: PaymentRecordStatus }
  | { kind: 'keep' }
  | { kind: 'refuse'; message: string };

interface TransitionRule {
  from: PaymentRecordStatus;
  to: PaymentRecordStatus;
  keeps: readonly PaymentRecordStatus[];
  refusal: (status: PaymentRecordStatus) => string;
}

const rules: Record<PaymentOperation, TransitionRule> = {
  capture: {
    from: 'AUTHORIZED',
    to: 'CAPTURED',
    keeps: ['CAPTURED'],
    refusal: (status) => `A ${status.toLowerCase()} payment cannot be captured`,
  },
  void: {
    from: 'AUTHORIZED',
    to: 'VOIDED',
    // A declined payment holds no money: voiding it is done already.
    keeps: ['VOIDED', 'DECLINED'],
    refusal: (status) =>
      status === 'CAPTURED' || status === 'REFUNDED'
        ? 'captured payments are refunded, not voided'
        : `A ${status.toLowerCase()} payment cannot be voided`,
  },
  refund: {
    from: 'CAPTURED',
    to: 'REFUNDED',
    keeps: ['REFUNDED'],
    refusal: (status) =>
      `A ${status.toLowerCase()} payment cannot be refunded; only captured ones can`,
  },
};

export function planTransition(
  operation: PaymentOperation,
  status: PaymentRecordStatus,
): TransitionPlan {
  const rule = rules[operation];
  if (status === rule.from) return { kind: 'apply', to: rule.to };
  if (rule.keeps.includes(status)) return { kind: 'keep' };
  return { kind: 'refuse', message: rule.refusal(status) };
}

/** The one status `operation` applies to, and the status it moves the payment to. */
export function transitionOf(operation: PaymentOperation): {
  from: PaymentRecordStatus;
  to: PaymentRecordStatus;
} {
  const { from, to } = rules[operation];
  return { from, to };
}
