import fc from 'fast-check';
import { seededRandom } from '../clock/random';
import { constant, exponential } from './backoff';

const settings = fc.record({
  initialDelayMs: fc.integer({ min: 0, max: 10_000 }),
  multiplier: fc.double({ min: 1, max: 5, noNaN: true }),
  maxDelayMs: fc.integer({ min: 0, max: 120_000 }),
});
const seed = fc.integer();
const attempt = fc.integer({ min: 1, max: 60 });

describe(exponential.name, () => {
  it('grows by the multiplier without jitter', () => {
    const sut = exponential({
      initialDelayMs: 100,
      multiplier: 2,
      maxDelayMs: 1_000,
      jitter: 'none',
    });
    const random = seededRandom(1);

    const delays = [1, 2, 3, 4, 5].map((failedAttempt) =>
      sut.nextDelayMs(failedAttempt, 0, random),
    );

    expect(delays).toEqual([100, 200, 400, 800, 1_000]);
  });

  it('keeps full jitter within [0, the capped exponential delay]', () => {
    fc.assert(
      fc.property(
        settings,
        seed,
        attempt,
        ({ initialDelayMs, multiplier, maxDelayMs }, randomSeed, failedAttempt) => {
          const sut = exponential({ initialDelayMs, multiplier, maxDelayMs, jitter: 'full' });
          const ceilingMs = Math.min(
            maxDelayMs,
            initialDelayMs * multiplier ** (failedAttempt - 1),
          );

          const delayMs = sut.nextDelayMs(failedAttempt, 0, seededRandom(randomSeed));

          return delayMs >= 0 && delayMs <= ceilingMs;
        },
      ),
    );
  });

  it('keeps decorrelated jitter between the initial delay and previous × multiplier, capped', () => {
    fc.assert(
      fc.property(
        settings,
        seed,
        fc.integer({ min: 0, max: 200_000 }),
        ({ initialDelayMs, multiplier, maxDelayMs }, randomSeed, previousDelayMs) => {
          const sut = exponential({
            initialDelayMs,
            multiplier,
            maxDelayMs,
            jitter: 'decorrelated',
          });
          const lowerMs = Math.min(initialDelayMs, maxDelayMs);
          const upperMs = Math.min(
            maxDelayMs,
            Math.max(initialDelayMs, previousDelayMs) * multiplier,
          );

          const delayMs = sut.nextDelayMs(3, previousDelayMs, seededRandom(randomSeed));

          return delayMs >= lowerMs && delayMs <= upperMs;
        },
      ),
    );
  });

  it('never exceeds maxDelayMs nor goes negative, whatever the jitter, over a whole retry sequence', () => {
    fc.assert(
      fc.property(
        settings,
        fc.constantFrom('full', 'decorrelated', 'none' as const),
        seed,
        ({ initialDelayMs, multiplier, maxDelayMs }, jitter, randomSeed) => {
          const sut = exponential({ initialDelayMs, multiplier, maxDelayMs, jitter });
          const random = seededRandom(randomSeed);
          let previousDelayMs = 0;
          for (let failedAttempt = 1; failedAttempt <= 30; failedAttempt++) {
            previousDelayMs = sut.nextDelayMs(failedAttempt, previousDelayMs, random);
            if (!(previousDelayMs >= 0 && previousDelayMs <= maxDelayMs)) return false;
          }
          return true;
        },
      ),
    );
  });

  it('never decreases without jitter', () => {
    fc.assert(
      fc.property(
        settings,
        attempt,
        ({ initialDelayMs, multiplier, maxDelayMs }, failedAttempt) => {
          const sut = exponential({ initialDelayMs, multiplier, maxDelayMs, jitter: 'none' });
          const random = seededRandom(0);

          return (
            sut.nextDelayMs(failedAttempt + 1, 0, random) >=
            sut.nextDelayMs(failedAttempt, 0, random)
          );
        },
      ),
    );
  });

  it('rejects a multiplier below 1, which would shrink the delays', () => {
    expect(() => exponential({ multiplier: 0.5 })).toThrow('multiplier must be >= 1');
  });

  it('rejects an unknown jitter', () => {
    expect(() => exponential({ jitter: 'random' as 'full' })).toThrow('jitter must be');
  });
});

describe(constant.name, () => {
  it('always proposes the same delay', () => {
    const sut = constant(250);

    expect(
      [1, 2, 3].map((failedAttempt) => sut.nextDelayMs(failedAttempt, 250, seededRandom(1))),
    ).toEqual([250, 250, 250]);
  });

  it('rejects a negative delay', () => {
    expect(() => constant(-1)).toThrow('delayMs must be a finite number >= 0');
  });
});

describe(seededRandom.name, () => {
  it('repeats its sequence for the same seed and stays within [0, 1)', () => {
    const first = seededRandom(42);
    const second = seededRandom(42);

    const values = Array.from({ length: 1_000 }, () => first.next());

    expect(values).toEqual(Array.from({ length: 1_000 }, () => second.next()));
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
  });
});
