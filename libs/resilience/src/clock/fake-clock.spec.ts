import { systemClock } from './clock';
import { systemRandom } from './random';
import { FakeClock } from './fake-clock';

describe(FakeClock.name, () => {
  it('fires due timers in order and moves time to each of them', async () => {
    const sut = new FakeClock(1_000);
    const fired: number[] = [];
    sut.setTimeout(() => fired.push(sut.now()), 30);
    sut.setTimeout(() => fired.push(sut.now()), 10);

    await sut.advanceBy(50);

    expect(fired).toEqual([1_010, 1_030]);
    expect(sut.now()).toBe(1_050);
  });

  it('lets promises settle between timers so async chains reach their next wait', async () => {
    const sut = new FakeClock(0);
    const steps: number[] = [];
    const sleep = (ms: number) => new Promise<void>((resolve) => sut.setTimeout(resolve, ms));
    void (async () => {
      await sleep(10);
      steps.push(sut.now());
      await sleep(10);
      steps.push(sut.now());
    })();

    await sut.advanceBy(20);

    expect(steps).toEqual([10, 20]);
  });

  it('does not fire cleared timers', async () => {
    const sut = new FakeClock(0);
    const callback = jest.fn();
    const timer = sut.setTimeout(callback, 10);
    timer.ref();
    timer.unref();

    sut.clearTimeout(timer);
    await sut.advanceBy(10);

    expect(callback).not.toHaveBeenCalled();
    expect(sut.pendingTimers).toBe(0);
  });
});

describe('systemClock', () => {
  afterEach(() => jest.useRealTimers());

  it('uses the global timers of the moment, so Jest fake timers drive it', () => {
    jest.useFakeTimers({ now: 5_000 });
    const callback = jest.fn();

    const timer = systemClock.setTimeout(callback, 100);
    jest.advanceTimersByTime(100);
    systemClock.clearTimeout(timer);

    expect(callback).toHaveBeenCalled();
    expect(systemClock.now()).toBe(5_100);
  });
});

describe('systemRandom', () => {
  it('draws from [0, 1)', () => {
    const value = systemRandom.next();

    expect(value >= 0 && value < 1).toBe(true);
  });
});
